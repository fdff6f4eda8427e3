"""npgrad's engine: Tensor, the backward walk, grad modes, gradient checking.

Examples
--------
>>> from autograd import Tensor
>>> x = Tensor([1.0, 2.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
Tensor([2., 4.])
"""
from autograd.anomaly import detect_anomaly
from autograd.engine import grad
from autograd.factory import (
    arange, empty, eye, from_dlpack, full, ones, ones_like, rand, randn, zeros, zeros_like,
)
from autograd.function import Function, register, registry
from autograd.gradcheck import GradcheckError, gradcheck, gradcheck_graph, numerical_grad
from autograd.mode import (
    enable_grad, get_default_dtype, get_rng_state, is_grad_enabled, manual_seed, no_grad,
    set_default_dtype, set_rng_state,
)
from autograd.tensor import Tensor

from autograd import viz  # noqa: E402  (graph pictures; imports graphviz lazily where it can)
from autograd import functional  # noqa: E402  (vjp jvp jacobian hessian hvp vhp)
from autograd.checkpoint import checkpoint  # noqa: E402

import ops  # noqa: E402,F401  registers every rule (ops imports only autograd's leaves)

__all__ = [
    "Tensor", "Function", "register", "registry", "grad", "no_grad", "enable_grad",
    "is_grad_enabled", "set_default_dtype", "get_default_dtype", "manual_seed",
    "get_rng_state", "set_rng_state",
    "detect_anomaly", "gradcheck", "gradcheck_graph", "numerical_grad", "GradcheckError", "viz",
    "functional", "checkpoint",
    "zeros", "ones", "full", "empty", "zeros_like", "ones_like", "arange", "eye", "randn", "rand",
    "from_dlpack",
]
