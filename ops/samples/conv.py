"""Sample inputs for the convolutions: conv2d (stride 1-3 x padding 0-2 x dilation 1-2,
groups 1/2/4, square and non-square kernels, with and without bias), conv_transpose2d
(output_padding too), conv2d_weight (conv2d's weight gradient), and conv1d /
conv_transpose1d, which run through the 2-D rules."""
import itertools

import ops
from ops.conv import conv1d, conv2d_weight, conv_transpose1d, conv_transpose2d
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
    # the output gradient (ops.conv.gradients_by_correlation)
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


# -- conv_transpose2d: weight (C_in, C_out/groups, KH, KW); output_padding < stride or dilation
def _transpose_case(k, stride, padding, output_padding, dilation, groups, kernel, bias,
                    x_shape=(2, 4, 4, 5), out_channels=6, grad=None, tag=""):
    def fn(x, w, b=None):
        return conv_transpose2d(x, w, b, stride=stride, padding=padding,
                                    output_padding=output_padding, groups=groups, dilation=dilation)

    def torch_fn(x, w, b=None):
        return torch().nn.functional.conv_transpose2d(x, w, b, stride, padding, output_padding,
                                                      groups, dilation)

    r = rng(400 + k)
    inputs = [r.standard_normal(x_shape),
              r.standard_normal((x_shape[1], out_channels // groups) + kernel)]
    if bias:
        inputs.append(r.standard_normal(out_channels))
    return Case("conv_transpose2d", fn, inputs, torch_fn, grad=grad,
                id=f"s{stride}-p{padding}-op{output_padding}-d{dilation}-g{groups}-k{kernel[0]}x"
                   f"{kernel[1]}" + ("" if bias else "-nobias") + tag)


TRANSPOSE_CASES = [
    _transpose_case(0, 1, 0, 0, 1, 1, (3, 3), True),
    _transpose_case(1, 2, 1, 1, 1, 1, (3, 3), False),  # the decoder's upsampling layer
    _transpose_case(2, 2, 1, 0, 1, 2, (4, 4), True),
    _transpose_case(3, 3, 2, 2, 1, 2, (3, 2), True),
    _transpose_case(4, 1, 1, 0, 2, 1, (3, 3), False),  # dilated, stride 1
    _transpose_case(5, 1, 2, 1, 2, 1, (3, 2), True),  # output_padding >= stride (< dilation)
    _transpose_case(6, 2, 0, 1, 2, 2, (2, 3), False),
    _transpose_case(7, (2, 1), (1, 0), (1, 0), (1, 2), 1, (3, 2), True),  # pair arguments
    _transpose_case(8, 1, 0, 0, 1, 2, (1, 1), True),
    _transpose_case(9, 2, 1, 1, 1, 1, (3, 3), True, x_shape=(2, 2, 3, 3), out_channels=8),
    _transpose_case(10, 1, 1, 0, 1, 1, (3, 3), True, x_shape=(1, 6, 4, 4), out_channels=2),
    _transpose_case(11, 2, 1, 1, 1, 1, (3, 3), True, grad=[True, False, False],
                    tag="-input-only"),
    _transpose_case(12, 2, 1, 0, 1, 2, (3, 3), True, grad=[False, True, True],
                    tag="-weight-only"),
]


# -- conv2d_weight: conv2d's weight gradient (torch.nn.grad.conv2d_weight), bilinear in
# the input and the output gradient
def _weight_case(k, stride, padding, dilation, groups, weight_size, x_shape=(2, 4, 6, 7)):
    def fn(x, g):
        return conv2d_weight(x, weight_size, g, stride=stride, padding=padding,
                                 dilation=dilation, groups=groups)

    def torch_fn(x, g):
        return torch().nn.grad.conv2d_weight(x, weight_size, g, stride, padding, dilation, groups)

    r = rng(500 + k)
    x = r.standard_normal(x_shape)
    out_shape = ops.conv2d(x, r.standard_normal(weight_size), stride=stride, padding=padding,
                           dilation=dilation, groups=groups).shape
    return Case("conv2d_weight", fn, [x, r.standard_normal(out_shape)], torch_fn,
                id=f"s{stride}-p{padding}-d{dilation}-g{groups}-k{weight_size[2]}x{weight_size[3]}")


WEIGHT_CASES = [
    _weight_case(0, 1, 1, 1, 1, (3, 4, 3, 3)),
    _weight_case(1, 1, 1, 1, 2, (4, 2, 3, 2)),  # input gradient by correlation in forward
    _weight_case(2, 2, 1, 1, 2, (6, 2, 3, 3)),
    _weight_case(3, (2, 1), (0, 2), (1, 2), 1, (2, 4, 2, 3)),
]


# -- conv1d and conv_transpose1d: height-1 views through the 2-D rules (their cases cover
# those rules)
def _conv1d_case(k, stride, padding, dilation, groups, kernel, bias, x_shape=(2, 4, 9),
                 filters=6):
    def fn(x, w, b=None):
        return conv1d(x, w, b, stride=stride, padding=padding, dilation=dilation,
                          groups=groups)

    def torch_fn(x, w, b=None):
        return torch().nn.functional.conv1d(x, w, b, stride, padding, dilation, groups)

    r = rng(600 + k)
    inputs = [r.standard_normal(x_shape),
              r.standard_normal((filters, x_shape[1] // groups, kernel))]
    if bias:
        inputs.append(r.standard_normal(filters))
    return Case("conv2d", fn, inputs, torch_fn,
                id=f"conv1d-s{stride}-p{padding}-d{dilation}-g{groups}-k{kernel}"
                   + ("" if bias else "-nobias"))


def _transpose1d_case(k, stride, padding, output_padding, dilation, groups, kernel, bias,
                      x_shape=(2, 4, 5), out_channels=6):
    def fn(x, w, b=None):
        return conv_transpose1d(x, w, b, stride=stride, padding=padding,
                                    output_padding=output_padding, groups=groups,
                                    dilation=dilation)

    def torch_fn(x, w, b=None):
        return torch().nn.functional.conv_transpose1d(x, w, b, stride, padding, output_padding,
                                                      groups, dilation)

    r = rng(700 + k)
    inputs = [r.standard_normal(x_shape),
              r.standard_normal((x_shape[1], out_channels // groups, kernel))]
    if bias:
        inputs.append(r.standard_normal(out_channels))
    return Case("conv_transpose2d", fn, inputs, torch_fn,
                id=f"conv_transpose1d-s{stride}-p{padding}-op{output_padding}-d{dilation}"
                   f"-g{groups}-k{kernel}" + ("" if bias else "-nobias"))


ONE_DIMENSIONAL_CASES = [
    _conv1d_case(0, 1, 1, 1, 1, 3, True),
    _conv1d_case(1, 2, 2, 2, 2, 3, False),
    _conv1d_case(2, 3, 0, 1, 2, 4, True, x_shape=(3, 2, 12), filters=4),
    _transpose1d_case(0, 2, 1, 1, 1, 1, 4, True),
    _transpose1d_case(1, 3, 0, 2, 2, 2, 3, False),
    _transpose1d_case(2, 1, 2, 1, 2, 1, 3, True),
]

CASES = CASES + TRANSPOSE_CASES + WEIGHT_CASES + ONE_DIMENSIONAL_CASES
