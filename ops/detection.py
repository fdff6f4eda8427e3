"""Detection helpers on plain NumPy (no gradient): box_iou, nms, average precision.

Boxes are (x1, y1, x2, y2) with plain areas (x2 - x1) * (y2 - y1), no +1 pixel.
"""
import numpy as np


def _boxes(op, name, boxes):
    boxes = np.asarray(boxes)
    if boxes.dtype.kind != "f":
        boxes = boxes.astype(np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{op}: {name} must have shape (N, 4) as (x1, y1, x2, y2), got {boxes.shape}")
    return boxes


def box_iou(a, b):
    """Intersection over union of every box of a (N, 4) with every box of b (M, 4): (N, M).

    0 where the union is empty (two degenerate boxes).
    """
    a, b = _boxes("box_iou", "a", a), _boxes("box_iou", "b", b)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])  # (N, M, 2)
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    sides = np.clip(bottom_right - top_left, 0, None)
    inter = sides[..., 0] * sides[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    iou = np.zeros_like(inter)
    np.divide(inter, union, out=iou, where=union > 0)
    return iou


def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression: kept indices in descending score order.

    A box is suppressed when its IoU with an already kept box is > `iou_threshold`;
    equal scores keep the lower index first. One vectorised IoU row per kept box.
    """
    boxes = _boxes("nms", "boxes", boxes)
    scores = np.asarray(scores)
    if scores.shape != (boxes.shape[0],):
        raise ValueError(f"nms: scores of shape {scores.shape} for boxes of shape {boxes.shape}")
    remaining = np.argsort(-scores, kind="stable")
    kept = []
    while remaining.size:
        best, rest = remaining[0], remaining[1:]
        kept.append(best)
        remaining = rest[box_iou(boxes[best:best + 1], boxes[rest])[0] <= iou_threshold]
    return np.asarray(kept, dtype=np.int64)


def _average_precisions(scores, labels):
    """AP of every column of scores (N, K) against binary labels (N, K), as scikit-learn.

    AP = sum over thresholds of (recall step) * precision, thresholds at the distinct
    scores; so each positive contributes precision-at-the-end-of-its-tie-group / P.
    """
    N = scores.shape[0]
    order = np.argsort(-scores, axis=0, kind="stable")
    ranked = np.take_along_axis(scores, order, axis=0)
    hits = np.take_along_axis(labels, order, axis=0).astype(np.float64)
    true_pos = np.cumsum(hits, axis=0)
    precision = true_pos / np.arange(1, N + 1)[:, None]
    # row of the last member of each tie group: the next row whose score differs, minus one
    group_end = np.ones(ranked.shape, bool)
    group_end[:-1] = ranked[1:] != ranked[:-1]
    end_row = np.where(group_end, np.arange(N)[:, None], N)
    end_row = np.minimum.accumulate(end_row[::-1], axis=0)[::-1]
    at_end = np.take_along_axis(precision, end_row, axis=0)
    positives = hits.sum(axis=0)
    total = (hits * at_end).sum(axis=0)
    return np.divide(total, positives, out=np.zeros_like(total), where=positives > 0)


def _scores_and_labels(op, scores, labels, ndim):
    scores, labels = np.asarray(scores, dtype=np.float64), np.asarray(labels)
    if scores.ndim != ndim or scores.shape != labels.shape:
        raise ValueError(f"{op}: scores of shape {scores.shape} and labels of shape {labels.shape} "
                         f"must be equal {ndim}-D shapes")
    if labels.size and not np.isin(labels, (0, 1)).all():
        raise ValueError(f"{op}: labels must be binary (0/1)")
    return scores, labels


def average_precision(scores, labels):
    """Average precision of scores (N,) against binary labels (N,).

    Equal to `sklearn.metrics.average_precision_score(labels, scores)` (0 when there is
    no positive).
    """
    scores, labels = _scores_and_labels("average_precision", scores, labels, 1)
    return float(_average_precisions(scores[:, None], labels[:, None])[0])


def mean_average_precision(scores, labels):
    """Mean over the K classes of the average precision of scores (N, K) vs labels (N, K)."""
    scores, labels = _scores_and_labels("mean_average_precision", scores, labels, 2)
    return float(_average_precisions(scores, labels).mean())
