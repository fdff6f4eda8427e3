"""Sample inputs for conv2d: stride 1-3 x padding 0-2 x dilation 1-2, groups 1/2/4,
square and non-square kernels, with and without bias."""
import itertools

import ops
from ops.samples import Case, rng, torch


def _conv(stride, padding, dilation, groups):
    def fn(x, w, b=None):
        return ops.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)

    def torch_fn(x, w, b=None):
        return torch().nn.functional.conv2d(x, w, b, stride, padding, dilation, groups)

    return fn, torch_fn


def _case(k, stride, padding, dilation, groups, kernel, bias, x_shape=(2, 4, 7, 8), filters=4,
          grad=None, tag=""):
    fn, torch_fn = _conv(stride, padding, dilation, groups)
    r = rng(300 + k)
    inputs = [r.standard_normal(x_shape),
              r.standard_normal((filters, x_shape[1] // groups) + kernel)]
    if bias:
        inputs.append(r.standard_normal(filters))
    return Case("conv2d", fn, inputs, torch_fn, grad=grad,
                id=f"s{stride}-p{padding}-d{dilation}-g{groups}-k{kernel[0]}x{kernel[1]}"
                   + ("" if bias else "-nobias") + tag)


KERNELS = [(3, 3), (2, 3), (3, 1), (1, 2)]
GROUPS = [1, 2, 4]
CASES = [
    _case(k, stride, padding, dilation, GROUPS[k % 3], KERNELS[k % 4], bias=k % 2 == 0)
    for k, (stride, padding, dilation) in enumerate(
        itertools.product([1, 2, 3], [0, 1, 2], [1, 2]))
] + [
    _case(40, (1, 2), (2, 0), (2, 1), 2, (3, 2), bias=True),  # pair arguments
    _case(41, 1, 0, 1, 1, (7, 8), bias=True),  # kernel covering the whole input
    _case(42, 2, 1, 1, 4, (3, 3), bias=False, x_shape=(3, 8, 5, 5), filters=8),
    _case(43, 1, 1, 1, 1, (1, 1), bias=True, x_shape=(1, 3, 4, 4), filters=2),
    # wide rows (horizontal stride 1, little padding: see ops.conv.Windows)
    _case(44, 1, 1, 1, 1, (2, 3), bias=True, x_shape=(2, 2, 4, 20), filters=3),
    _case(45, (2, 1), (1, 0), (1, 2), 2, (3, 2), bias=False, x_shape=(1, 4, 6, 22), filters=2),
    _case(46, 1, 0, 1, 4, (3, 3), bias=True, x_shape=(1, 4, 5, 18), filters=4),
    # stride 1 with no more filters than channels: the input gradient is a correlation of
    # the output gradient (ops.conv.Conv2d._gradients_by_correlation)
    # padding > KH - 1: g cropped
    _case(47, 1, 3, 1, 1, (3, 3), bias=True, x_shape=(2, 3, 5, 6), filters=3),
    # rows of g cropped, columns padded
    _case(48, 1, (3, 0), 2, 2, (2, 4), bias=False, x_shape=(2, 4, 6, 9), filters=2),
    _case(49, 1, (1, 4), (2, 1), 2, (3, 2), bias=True, x_shape=(1, 6, 7, 5), filters=4),
    _case(50, 1, 1, 1, 1, (3, 3), bias=True, x_shape=(2, 3, 4, 30), filters=3),  # wide rows of g
    _case(51, 1, 1, 3, 4, (3, 2), bias=False, x_shape=(2, 8, 7, 28), filters=8),  # dilated, wide
    _case(52, 1, 1, 1, 2, (3, 3), bias=True, x_shape=(2, 4, 5, 5), filters=4,
          grad=[True, False, True], tag="-input-only"),
    _case(53, 1, 2, 1, 1, (3, 2), bias=True, x_shape=(2, 3, 5, 5), filters=2,
          grad=[False, True, False], tag="-weight-only"),
    # stride 1 with more filters than channels: column gradient + col2im
    _case(54, 1, 3, 2, 1, (2, 3), bias=True, x_shape=(2, 2, 5, 6), filters=5),
]
