"""Switches: gradient recording, anomaly mode and tracing (per thread), the default float
dtype and random generator (per process).

Grad mode, anomaly mode and the tracer are per thread, as in PyTorch: a `no_grad` block
in one thread never stops another thread from recording, and a new thread starts with
grad enabled. The default dtype and the default random generator are shared by all
threads (PyTorch's default dtype is process-wide too).
"""
import functools
import threading

import numpy as np

# What `apply`'s fast paths read once per op (`state.fast`): record or not, or take the
# general path (anomaly checks or a tracer are on).
NO_RECORD, RECORD, GENERAL = 0, 1, 2


class _Process:
    """Process-wide settings."""

    default_dtype = np.dtype(np.float32)
    rng = np.random.default_rng()


_process = _Process()


class _State(threading.local):
    """Per-thread switches; setting one keeps `fast` (the combined hot-path flag) in step."""

    fast = RECORD
    _grad_enabled = True
    _anomaly = None  # the anomaly checks (autograd.anomaly) while detect_anomaly() is on
    _trace = None  # set by autograd.viz.trace(): called with each recorded op

    def _update(self):
        special = self._anomaly or self._trace is not None
        self.fast = GENERAL if special else (RECORD if self._grad_enabled else NO_RECORD)

    @property
    def grad_enabled(self):
        return self._grad_enabled

    @grad_enabled.setter
    def grad_enabled(self, flag):
        self._grad_enabled = bool(flag)
        self._update()

    @property
    def anomaly(self):
        return self._anomaly

    @anomaly.setter
    def anomaly(self, checks):
        self._anomaly = checks or None
        self._update()

    @property
    def trace(self):
        return self._trace

    @trace.setter
    def trace(self, tracer):
        self._trace = tracer
        self._update()

    # process-wide, reached through `state` for convenience
    @property
    def default_dtype(self):
        return _process.default_dtype

    @default_dtype.setter
    def default_dtype(self, dtype):
        _process.default_dtype = dtype

    @property
    def rng(self):
        return _process.rng

    @rng.setter
    def rng(self, generator):
        _process.rng = generator


state = _State()


def is_grad_enabled():
    """Whether ops currently record the graph."""
    return state.grad_enabled


class _GradMode:
    """Context manager and decorator that sets grad mode, restoring it afterwards."""

    enabled = True

    def __enter__(self):
        self._previous = state.grad_enabled
        state.grad_enabled = self.enabled

    def __exit__(self, *exc):
        state.grad_enabled = self._previous

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Do not record the graph inside the block (inference, optimizer steps).

    Examples
    --------
    >>> with no_grad():
    ...     y = x * 2        # y.requires_grad is False
    """

    enabled = False


class enable_grad(_GradMode):
    """Record the graph inside the block, even within `no_grad`."""

    enabled = True


def set_default_dtype(dtype):
    """Set the float dtype that Python floats and factories produce (float32 or float64)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a float dtype, got {dtype}")
    state.default_dtype = dtype


def get_default_dtype():
    """The float dtype that Python floats and factories produce (float32 by default)."""
    return state.default_dtype


def manual_seed(seed):
    """Reseed the default random generator used by factories, init and dropout."""
    state.rng = np.random.default_rng(seed)
    return state.rng


def default_rng(rng=None):
    """`rng` if given (a `np.random.Generator`), else the default generator."""
    return state.rng if rng is None else rng


def get_rng_state():
    """A copy of the default random generator's state (plain dicts and ints: `nn.save`
    writes it), so that a training loop can be resumed with the same random numbers.

    Examples
    --------
    >>> saved = get_rng_state()
    >>> a = randn(3)
    >>> set_rng_state(saved)
    >>> b = randn(3)          # equal to a
    """
    import copy

    return copy.deepcopy(state.rng.bit_generator.state)


def set_rng_state(rng_state):
    """Restore the default random generator to a state from `get_rng_state()`.

    The generator object is kept when its bit generator has the saved kind (so
    references to it see the restored stream); otherwise a new one is made.
    """
    if not isinstance(rng_state, dict) or not isinstance(rng_state.get("bit_generator"), str):
        raise ValueError("set_rng_state: expected a state from get_rng_state() "
                         "(a dict with a 'bit_generator' name)")
    kind = rng_state["bit_generator"]
    bit_generator = state.rng.bit_generator
    if type(bit_generator).__name__ != kind:
        maker = getattr(np.random, kind, None)
        if not (isinstance(maker, type) and issubclass(maker, np.random.BitGenerator)):
            raise ValueError(f"set_rng_state: unknown bit generator {kind!r}")
        bit_generator = maker()
    try:
        bit_generator.state = rng_state
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"set_rng_state: invalid {kind} state ({error})") from None
    if bit_generator is not state.rng.bit_generator:
        state.rng = np.random.Generator(bit_generator)
