"""nn.init distributions and nn.fuse_conv_bn."""
import math

import numpy as np
import pytest

import nn
from autograd import Tensor, manual_seed
from nn import init


def empty(*shape):
    return Tensor(np.empty(shape))


def test_kaiming_uniform_with_a_sqrt5_is_bounded_by_one_over_sqrt_fan_in():
    w = init.kaiming_uniform_(empty(200, 50, 3, 3), a=math.sqrt(5), rng=np.random.default_rng(0))
    bound = 1 / math.sqrt(50 * 9)
    assert np.abs(w.data).max() <= bound and np.abs(w.data).max() > 0.99 * bound
    assert abs(w.data.mean()) < 0.01 * bound
    assert abs(w.data.std() - bound / math.sqrt(3)) < 0.01 * bound


@pytest.mark.parametrize("fill, std", [
    (lambda t, r: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu", rng=r), math.sqrt(2 / 300)),
    (lambda t, r: init.xavier_normal_(t, gain=2.0, rng=r), 2.0 * math.sqrt(2 / (300 + 400))),
    (lambda t, r: init.xavier_uniform_(t, rng=r), math.sqrt(6 / 700) / math.sqrt(3)),
    (lambda t, r: init.normal_(t, 0.0, 0.3, rng=r), 0.3),
    (lambda t, r: init.uniform_(t, -1.0, 1.0, rng=r), 1 / math.sqrt(3)),
])
def test_distributions_have_torchs_spread(fill, std):
    w = fill(empty(300, 400), np.random.default_rng(0))
    assert abs(w.data.std() - std) < 0.01 * std and abs(w.data.mean()) < 0.01 * std * 10


def test_constant_fills_and_gain_and_errors():
    w = empty(2, 3)
    assert np.all(init.zeros_(w).data == 0) and np.all(init.ones_(w).data == 1)
    assert init.calculate_gain("tanh") == 5 / 3 and init.calculate_gain("relu") == math.sqrt(2)
    with pytest.raises(ValueError, match="fewer than 2"):
        init.xavier_uniform_(empty(3))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(empty(2, 2), mode="fan_middle")


def test_init_follows_manual_seed():
    manual_seed(3)
    a = nn.Linear(4, 4).weight.data.copy()
    manual_seed(3)
    assert np.array_equal(nn.Linear(4, 4).weight.data, a)


@pytest.mark.parametrize("conv_bias, affine", [(True, True), (False, True), (True, False)])
def test_fuse_conv_bn_equals_conv_then_bn_in_eval(conv_bias, affine):
    manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, stride=2, padding=1, bias=conv_bias, dtype=np.float64)
    bn = nn.BatchNorm2d(4, affine=affine, dtype=np.float64)
    rng = np.random.default_rng(0)
    for _ in range(3):  # give the running statistics real values
        bn(conv(Tensor(rng.standard_normal((8, 3, 9, 9)) * 3 + 1)))
    if affine:
        bn.weight.data[...] = rng.uniform(0.5, 2, 4)
        bn.bias.data[...] = rng.standard_normal(4)
    conv.eval(), bn.eval()
    before = {**{f"c{k}": v for k, v in conv.state_dict().items()}, **{f"b{k}": v for k, v in bn.state_dict().items()}}
    fused = nn.fuse_conv_bn(conv, bn)
    x = Tensor(rng.standard_normal((2, 3, 9, 9)))
    np.testing.assert_allclose(fused(x).data, bn(conv(x)).data, rtol=1e-10, atol=1e-12)
    assert isinstance(fused, nn.Conv2d) and fused.stride == (2, 2) and fused.bias is not None
    after = {**{f"c{k}": v for k, v in conv.state_dict().items()}, **{f"b{k}": v for k, v in bn.state_dict().items()}}
    for k in before:  # the inputs are unchanged
        np.testing.assert_array_equal(before[k], after[k])


def test_fuse_checks():
    with pytest.raises(ValueError, match="features"):
        nn.fuse_conv_bn(nn.Conv2d(1, 3, 1), nn.BatchNorm2d(4))
    with pytest.raises(TypeError):
        nn.fuse_conv_bn(nn.Linear(1, 3), nn.BatchNorm2d(3))
