"""RMSprop with momentum, centring and L2 weight decay: PyTorch's exact rule."""
import numpy as np

from nn.optim.optimizer import Optimizer, check_number


class RMSprop(Optimizer):
    """RMSprop, update rule identical to `torch.optim.RMSprop`.

    g = grad + weight_decay * p;  v = alpha * v + (1 - alpha) * g^2;
    avg = sqrt(v) + eps (centred: sqrt(v - m^2) + eps with m the running mean of g);
    with momentum: b = momentum * b + g / avg and p -= lr * b, else p -= lr * g / avg.

    Examples
    --------
    >>> opt = nn.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def check_group(self, group):
        super().check_group(group)
        for name in ("alpha", "eps", "weight_decay", "momentum"):
            check_number(name, group[name], optimizer="RMSprop")

    def required_state(self, group):
        return (("step", "square_avg") + (("momentum_buffer",) if group["momentum"] > 0 else ())
                + (("grad_avg",) if group["centered"] else ()))

    def update(self, param, grad, state, group):
        if not state:
            state["step"] = 0.0
            state["square_avg"] = np.zeros_like(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        alpha, lr = group["alpha"], group["lr"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (grad - grad_avg) * (1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += grad / avg
            param -= lr * buf
        else:
            param -= lr * (grad / avg)
