"""Sample inputs for max_pool2d and avg_pool2d: tiled, overlapping (kernel 3 stride 2),
padded, non-square and non-divisible windows. Max pooling uses tie-free inputs; ties
are compared with torch (first arg-max) without a gradcheck."""
import numpy as np

import ops
from ops.samples import Case, tie_free, torch

GEOMETRIES = [  # (kernel_size, stride, padding, input shape)
    (2, None, 0, (2, 3, 6, 8)),          # tiled: the reshape fast path
    (3, 2, 0, (2, 2, 7, 9)),             # overlapping windows
    (3, 2, 1, (2, 2, 7, 8)),             # overlapping and padded
    (3, 1, 1, (1, 2, 5, 5)),
    ((2, 3), (1, 2), (1, 1), (2, 2, 5, 7)),  # non-square everything
    (2, 2, 0, (1, 2, 5, 7)),             # stride == kernel, sizes not divisible
    ((1, 2), None, 0, (2, 1, 3, 6)),
]


def _pool(name, kernel, stride, padding):
    def fn(x):
        return getattr(ops, name)(x, kernel, stride=stride, padding=padding)

    def torch_fn(x):
        return getattr(torch().nn.functional, name)(x, kernel, stride=stride, padding=padding)

    return fn, torch_fn


def _id(kernel, stride, padding):
    return f"k{kernel}-s{stride}-p{padding}".replace(" ", "")


def _case(name, k, kernel, stride, padding, shape):
    fn, torch_fn = _pool(name, kernel, stride, padding)
    return Case(name, fn, [tie_free(shape, seed=400 + k)], torch_fn, id=_id(kernel, stride, padding))


CASES = [
    _case(name, k, *geometry)
    for name in ("max_pool2d", "avg_pool2d")
    for k, geometry in enumerate(GEOMETRIES)
]

TIES = np.array([[1.0, 1.0, 0.5, 2.0, 2.0], [1.0, 0.0, 2.0, 2.0, 2.0],
                 [3.0, 3.0, 3.0, 3.0, 0.0], [3.0, 3.0, -1.0, 1.0, 1.0]]).reshape(1, 1, 4, 5)

def _tie_case(kernel, stride, padding):
    fn, torch_fn = _pool("max_pool2d", kernel, stride, padding)
    return Case("max_pool2d", fn, [TIES], torch_fn, gradcheck=False,
                id="ties-" + _id(kernel, stride, padding))


CASES += [_tie_case(*geometry) for geometry in ((2, None, 0), (3, 1, 1), (2, 1, 0))]


def _adaptive(name, output_size):
    def fn(x):
        return getattr(ops, name)(x, output_size)

    def torch_fn(x):
        return getattr(torch().nn.functional, name)(x, output_size)

    return {"fn": fn, "torch_fn": torch_fn}


ADAPTIVE = [  # (output_size, input shape): divisible, overlapping windows, global, None entry
    ((2, 3), (2, 3, 6, 9)),
    ((3, 4), (2, 2, 7, 9)),
    (1, (2, 3, 5, 4)),
    ((5, None), (1, 2, 4, 3)),
]

CASES += [
    Case(name, inputs=[tie_free(shape, seed=450 + k)], id=f"out{size}".replace(" ", ""),
         **_adaptive(name, size))
    for name in ("adaptive_avg_pool2d", "adaptive_max_pool2d")
    for k, (size, shape) in enumerate(ADAPTIVE)
]
CASES.append(Case("adaptive_max_pool2d", inputs=[TIES], gradcheck=False, id="ties",
                  **_adaptive("adaptive_max_pool2d", (2, 3))))
