"""Adagrad: PyTorch's exact rule."""
import numpy as np

from nn.optim.optimizer import Optimizer, check_number


class Adagrad(Optimizer):
    """Adagrad, update rule identical to `torch.optim.Adagrad`.

    g = ±grad + weight_decay * p;  sum += g^2;  clr = lr / (1 + (step - 1) lr_decay);
    p -= clr * g / (sqrt(sum) + eps).

    Parameters
    ----------
    params : iterable of Parameters or of group dicts
    lr, lr_decay, weight_decay, initial_accumulator_value, eps : float
    maximize : bool
        Ascend the objective instead of descending it.

    Examples
    --------
    >>> opt = nn.optim.Adagrad(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 *, maximize=False):
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, maximize=maximize)
        super().__init__(params, defaults)

    def check_group(self, group):
        super().check_group(group)
        for name in ("lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_number(name, group[name], optimizer="Adagrad")

    def required_state(self, group):
        return ("step", "sum")

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0.0
            state["sum"] = np.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        step = state["step"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        total = state["sum"]
        total += grad * grad
        std = np.sqrt(total)
        std += group["eps"]
        param += -clr * (grad / std)
