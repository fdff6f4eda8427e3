"""Detection helpers: box_iou, nms, average precision (against scikit-learn)."""
import numpy as np
import pytest

import ops


def test_box_iou_hand_made():
    a = np.array([[0, 0, 2, 2], [0, 0, 1, 1], [5, 5, 5, 5]], dtype=float)
    b = np.array([[0, 0, 2, 2], [1, 0, 3, 2], [10, 10, 11, 11], [5, 5, 5, 5]], dtype=float)
    iou = ops.box_iou(a, b)
    assert iou.shape == (3, 4)
    np.testing.assert_allclose(iou[0], [1.0, 2 / 6, 0.0, 0.0])
    np.testing.assert_allclose(iou[1], [0.25, 0.0, 0.0, 0.0])  # touching edges: no overlap
    np.testing.assert_array_equal(iou[2], 0.0)  # empty union gives 0, not NaN


def test_box_iou_plain_areas_no_plus_one():
    iou = ops.box_iou([[0, 0, 10, 10]], [[5, 0, 15, 10]])
    assert iou[0, 0] == pytest.approx(50 / 150)


def test_box_iou_is_symmetric_and_accepts_ints():
    r = np.random.default_rng(0)
    corners = r.integers(0, 20, (6, 2, 2))
    boxes = np.concatenate([corners.min(axis=1), corners.max(axis=1) + 1], axis=1)
    iou = ops.box_iou(boxes, boxes)
    np.testing.assert_allclose(iou, iou.T)
    np.testing.assert_allclose(np.diag(iou), 1.0)


def test_nms_hand_made():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9.5], [21, 21, 31, 31]])
    scores = np.array([0.9, 0.8, 0.7, 0.95, 0.1])
    kept = ops.nms(boxes, scores, 0.5)
    # 0 and 1 overlap 3 (IoU 0.95 and 0.65); 4 overlaps 2 (IoU 81/119)
    np.testing.assert_array_equal(kept, [3, 2])
    assert kept.dtype == np.int64


def test_nms_threshold_is_strict_and_ties_keep_the_lower_index():
    boxes = np.array([[0, 0, 2, 1], [1, 0, 3, 1], [0, 0, 2, 1]], dtype=float)  # IoU(0, 1) = 1/3
    np.testing.assert_array_equal(ops.nms(boxes, np.array([0.5, 0.5, 0.5]), 1 / 3), [0, 1])
    np.testing.assert_array_equal(ops.nms(boxes, np.array([0.5, 0.5, 0.5]), 0.3), [0])
    np.testing.assert_array_equal(ops.nms(np.zeros((0, 4)), np.zeros(0), 0.5), np.zeros(0, np.int64))


def _greedy_reference(boxes, scores, threshold):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    kept = []
    for i in order:
        if all(ops.box_iou(boxes[i:i + 1], boxes[j:j + 1])[0, 0] <= threshold for j in kept):
            kept.append(i)
    return kept


def test_nms_matches_a_plain_greedy_loop():
    r = np.random.default_rng(1)
    xy = r.uniform(0, 50, (60, 2))
    boxes = np.concatenate([xy, xy + r.uniform(5, 20, (60, 2))], axis=1)
    scores = r.integers(0, 10, 60) / 10  # many equal scores
    for threshold in (0.1, 0.3, 0.7):
        np.testing.assert_array_equal(ops.nms(boxes, scores, threshold),
                                      _greedy_reference(boxes, scores, threshold))


def test_average_precision_matches_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    r = np.random.default_rng(2)
    for n, distinct in ((10, 100), (200, 7), (57, 1000)):
        scores = r.integers(0, distinct, n) / distinct  # ties when distinct is small
        labels = (r.uniform(size=n) < 0.4).astype(int)
        labels[0] = 1
        assert ops.average_precision(scores, labels) == pytest.approx(
            metrics.average_precision_score(labels, scores), rel=1e-12)


def test_average_precision_hand_made():
    assert ops.average_precision([0.9, 0.8, 0.7], [1, 0, 1]) == pytest.approx((1 + 2 / 3) / 2)
    assert ops.average_precision([0.5, 0.5, 0.5, 0.2], [0, 1, 0, 1]) == pytest.approx(0.5 * 1 / 3 + 0.5 * 0.5)
    assert ops.average_precision([0.1, 0.2], [0, 0]) == 0.0  # no positive: 0, as scikit-learn


def test_mean_average_precision_matches_sklearn_macro():
    metrics = pytest.importorskip("sklearn.metrics")
    r = np.random.default_rng(3)
    scores = r.integers(0, 20, (80, 5)) / 20
    labels = (r.uniform(size=(80, 5)) < 0.3).astype(int)
    expected = metrics.average_precision_score(labels, scores, average="macro")
    assert ops.mean_average_precision(scores, labels) == pytest.approx(expected, rel=1e-12)
    per_class = [ops.average_precision(scores[:, k], labels[:, k]) for k in range(5)]
    assert ops.mean_average_precision(scores, labels) == pytest.approx(np.mean(per_class))


def test_detection_errors():
    with pytest.raises(ValueError, match=r"box_iou: a must have shape \(N, 4\)"):
        ops.box_iou(np.zeros((3, 5)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"nms: scores of shape \(2,\) for boxes of shape \(3, 4\)"):
        ops.nms(np.zeros((3, 4)), np.zeros(2), 0.5)
    with pytest.raises(ValueError, match="average_precision: scores of shape"):
        ops.average_precision(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="average_precision: labels must be binary"):
        ops.average_precision(np.zeros(3), np.array([0, 2, 1]))
