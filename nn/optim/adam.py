"""Adam and AdamW (decoupled weight decay): PyTorch's exact rules."""
import math

import numpy as np

from nn.optim.optimizer import Optimizer, check_number


class Adam(Optimizer):
    """Adam, update rule identical to `torch.optim.Adam` (L2 weight decay in the gradient).

    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;
    p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps).

    Parameters
    ----------
    params : iterable of Parameters or of group dicts
    lr : float
    betas : (float, float)
    eps, weight_decay : float
    amsgrad : bool
        Normalise by the running maximum of v.
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
    """

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 maximize=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize)
        super().__init__(params, defaults)

    def check_group(self, group):
        super().check_group(group)
        name = type(self).__name__
        check_number("eps", group["eps"], optimizer=name)
        check_number("weight_decay", group["weight_decay"], optimizer=name)
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair, got {betas!r}")
        for i, beta in enumerate(betas):
            check_number(f"beta parameter at index {i}", beta, high=1.0, high_open=True, optimizer=name)

    def required_state(self, group):
        return ("step", "exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if group["amsgrad"] else ())

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0.0
            state["exp_avg"] = np.zeros_like(param)
            state["exp_avg_sq"] = np.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        step = state["step"]
        lr, weight_decay = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if weight_decay:
            if self.decoupled:
                param *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg += (grad - exp_avg) * (1 - beta1)  # lerp towards grad
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        step_size = lr / (1 - beta1 ** step)
        second = exp_avg_sq
        if group["amsgrad"]:
            second = state["max_exp_avg_sq"]
            np.maximum(second, exp_avg_sq, out=second)
        denom = np.sqrt(second)
        denom /= math.sqrt(1 - beta2 ** step)
        denom += group["eps"]
        update = exp_avg / denom
        update *= step_size
        param -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (`torch.optim.AdamW`): p *= 1 - lr * weight_decay
    before the Adam step, instead of adding weight_decay * p to the gradient.

    Examples
    --------
    >>> opt = nn.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize)
