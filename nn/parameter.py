"""`Parameter`: a Tensor that a Module registers as learnable."""
from autograd.tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor with `requires_grad=True` that Modules collect as learnable.

    Assigning a Parameter to a Module attribute registers it: it then shows up in
    `parameters()`, `named_parameters()` and `state_dict()`, and its `.name` becomes
    its qualified name (``"0.weight"``), which graph pictures use as a label.

    Parameters
    ----------
    data : array_like or Tensor
        The initial values (an ndarray is wrapped without a copy).
    requires_grad : bool
        Whether backward accumulates a gradient into it (True by default).

    Examples
    --------
    >>> w = Parameter(np.zeros((3, 4), dtype=np.float32))
    >>> w.requires_grad
    True
    """

    __slots__ = ()

    def __init__(self, data, requires_grad=True):
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
