"""SGD with momentum, dampening, Nesterov and L2 weight decay: PyTorch's exact rule."""
from nn.optim.optimizer import Optimizer, check_number


class SGD(Optimizer):
    """Stochastic gradient descent, update rule identical to `torch.optim.SGD`.

    g = grad + weight_decay * p;  with momentum: b = g on the first step, else
    b = momentum * b + (1 - dampening) * g, and g = g + momentum * b (Nesterov) or
    g = b;  finally p -= lr * g.

    Parameters
    ----------
    params : iterable of Parameters or of group dicts
    lr : float
    momentum, dampening, weight_decay : float
    nesterov : bool
        Needs momentum > 0 and dampening = 0.
    maximize : bool
        Ascend the objective instead of descending it (the gradient's sign flipped first).

    Examples
    --------
    >>> opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    >>> loss.backward(); opt.step(); opt.zero_grad()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, nesterov=False, weight_decay=0, *,
                 maximize=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def check_group(self, group):
        super().check_group(group)
        for name in ("momentum", "dampening", "weight_decay"):
            check_number(name, group[name], optimizer="SGD")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")

    def update(self, param, grad, state, group):
        lr, momentum, weight_decay = group["lr"], group["momentum"], group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        if weight_decay:
            grad = grad + weight_decay * param
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                dampening = group["dampening"]
                buf += grad if dampening == 0 else (1 - dampening) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param -= lr * grad
