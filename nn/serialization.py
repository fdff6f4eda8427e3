"""`save` and `load`: state dicts in a NumPy `.npz` file, written atomically, never pickled.

File layout: one `.npy` member per array, named by its path in the nested structure
(``model/0.weight``, ``optimizer/state/[0]/exp_avg``; a key is percent-escaped, so
every key, dots and slashes included, round-trips), plus a member ``[npgrad]`` holding
JSON that describes the structure: dicts (string or integer keys), lists, tuples,
numbers, strings, booleans, None, and references to the array members. Loading uses
`allow_pickle=False` and `json`, so it never executes code from the file.
"""
import json
import os
import tempfile
import zipfile
from urllib.parse import quote

import numpy as np

from autograd.tensor import Tensor

MANIFEST = "[npgrad]"  # '[' is always escaped in member names, so no key can clash
FORMAT = "npgrad-state"
VERSION = 1


class _Writer:
    """Turns a nested structure into (JSON tree, {member name: array})."""

    def __init__(self):
        self.arrays = {}

    def encode(self, value, path):
        if isinstance(value, Tensor):
            value = value.data
        if isinstance(value, np.ndarray):
            return {"array": self._member(value, path)}
        if isinstance(value, np.generic):
            return {"scalar": self._member(np.asarray(value), path)}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                if isinstance(key, bool) or not isinstance(key, (str, int, np.integer)):
                    raise TypeError(
                        f"nn.save: dict keys must be strings or integers, got {key!r} at {path or 'the top level'}"
                    )
                key = key if isinstance(key, str) else int(key)
                segment = quote(key, safe="") if isinstance(key, str) else f"[{key}]"
                items.append([key, self.encode(item, path + [segment])])
            return {"dict": items}
        if isinstance(value, (list, tuple)):
            kind = "list" if isinstance(value, list) else "tuple"
            return {kind: [self.encode(item, path + [f"[{i}]"]) for i, item in enumerate(value)]}
        raise TypeError(
            f"nn.save: cannot save a {type(value).__name__} at {'/'.join(path) or 'the top level'} "
            "(arrays, numbers, strings, None, and dicts/lists/tuples of them only)"
        )

    def _member(self, array, path):
        if array.dtype.hasobject:
            raise TypeError(f"nn.save: array at {'/'.join(path)} has dtype object, which needs pickle")
        name = "/".join(path) or "[root]"
        self.arrays[name] = array
        return name


def save(state, path):
    """Write `state` (nested dicts of arrays and numbers) to the `.npz` file `path`.

    The file is written to a temporary file in the same directory and renamed into
    place, so a failed save leaves any previous file at `path` intact. `path` is used
    exactly (no ".npz" is appended).

    Examples
    --------
    >>> nn.save({"model": model.state_dict(), "epoch": 3}, "checkpoint.npz")
    >>> nn.load("checkpoint.npz")["epoch"]
    3
    """
    path = os.fspath(path)
    writer = _Writer()
    tree = writer.encode(state, [])
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "tree": tree})
    members = dict(writer.arrays)
    members[MANIFEST] = np.array(manifest)
    directory = os.path.dirname(os.path.abspath(path))
    mode = _file_mode(path)
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **members)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _file_mode(path):
    """Keep an existing file's permissions; otherwise what open() would give."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def load(path):
    """Read a file written by `save` (or a plain `np.savez` file) without running code.

    Returns
    -------
    The saved structure: dicts, lists, tuples, numbers and ndarrays. A plain
    `np.savez` file (no npgrad manifest) comes back as a flat dict of arrays.

    Raises
    ------
    ValueError
        If the file is truncated or corrupt, or is not an `.npz` state file (for
        example a pickle or a PyTorch checkpoint).

    Examples
    --------
    >>> model.load_state_dict(nn.load("runs/digits/model.npz")["model"])
    """
    path = os.fspath(path)
    with open(path, "rb") as f:  # FileNotFoundError / PermissionError as usual
        head = f.read(4)
    if head[:2] != b"PK":
        raise ValueError(f"nn.load: {path} is not an npgrad state file (.npz): it is not a zip archive")
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = list(npz.files)
            stray = [n for n in npz.zip.namelist() if not n.endswith(".npy")]
            if stray:
                raise _Foreign(f"it holds non-NumPy members such as {stray[0]!r} (a PyTorch or other checkpoint?)")
            arrays = {name: npz[name] for name in names}
    except _Foreign as error:
        raise ValueError(f"nn.load: {path} is not an npgrad state file: {error}") from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as error:
        raise ValueError(f"nn.load: {path} is truncated or corrupt ({error})") from error
    if MANIFEST not in arrays:
        return arrays
    try:
        manifest = json.loads(str(arrays.pop(MANIFEST)))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unknown format {manifest.get('format')!r}")
        if manifest.get("version", 0) > VERSION:
            raise ValueError(f"written by a newer npgrad (format version {manifest['version']})")
        return _decode(manifest["tree"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"nn.load: {path} has a damaged npgrad manifest ({error})") from error


class _Foreign(Exception):
    pass


def _decode(node, arrays):
    if not isinstance(node, dict):
        return node
    (kind, body), = node.items()
    if kind == "array":
        return arrays[body]
    if kind == "scalar":
        return arrays[body][()]
    if kind == "dict":
        return {key: _decode(item, arrays) for key, item in body}
    if kind == "list":
        return [_decode(item, arrays) for item in body]
    if kind == "tuple":
        return tuple(_decode(item, arrays) for item in body)
    raise ValueError(f"unknown node kind {kind!r}")
