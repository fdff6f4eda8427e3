"""`save` and `load`: state dicts in a NumPy `.npz` file (or `.safetensors`), written
atomically, read without running code and without trusting the file's sizes.

File layout (.npz): one `.npy` member per array, named by its path in the nested
structure (``model/0.weight``, ``optimizer/state/[0]/exp_avg``; a key is percent-escaped,
so every key, dots and slashes included, round-trips), plus a member ``[npgrad]``
holding JSON that describes the structure: dicts (string or integer keys), lists,
tuples, numbers, strings, booleans, None, and references to the array members.

`.safetensors` (by extension or ``format="safetensors"``) holds a flat dict of arrays
only (a model's state dict), through the `safetensors` package, so PyTorch and Hugging
Face tools open it; nested state (optimizers, whole checkpoints) stays `.npz`.

Writing: a temporary file ``.<name>.<pid>-<random>.npgrad-tmp`` beside the target is
filled, flushed and renamed over it; a save that fails (or is killed) leaves the old file,
and the next save of the same path removes temporaries left by dead processes. Loading:
zip headers and `.npy` headers are checked against the archive's size and against
`max_bytes` before any array is allocated; every malformed file raises ValueError.
"""
import json
import os
import secrets
import zipfile
from urllib.parse import quote

import numpy as np

from autograd.tensor import Tensor

MANIFEST = "[npgrad]"  # '[' is always escaped in member names, so no key can clash
FORMAT = "npgrad-state"
VERSION = 1
MAX_BYTES = 16 * 2**30  # nn.load's default limit on the decoded size of a file's arrays
FORMATS = ("npz", "safetensors")
_TEMPORARY = ".npgrad-tmp"
_MAX_DEPTH = 200  # nesting of the manifest (a state dict is a few levels deep)


class _Writer:
    """Turns a nested structure into (JSON tree, {member name: array})."""

    def __init__(self):
        self.arrays = {}

    def encode(self, value, path):
        if len(path) > _MAX_DEPTH:
            raise ValueError(f"nn.save: state nested deeper than {_MAX_DEPTH} levels")
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


def _format(path, format):
    if format is None:
        return "safetensors" if str(path).lower().endswith(".safetensors") else "npz"
    if format not in FORMATS:
        raise ValueError(f"nn.save/nn.load: format must be one of {', '.join(FORMATS)}, got {format!r}")
    return format


def save(state, path, format=None):
    """Write `state` (nested dicts of arrays and numbers) to the file `path`.

    The file is written to a temporary file in the target's directory and renamed into
    place, so a failed or killed save leaves any previous file at `path` intact. `path`
    is used exactly (no suffix is appended); a symbolic link is followed (its target is
    replaced); a write-protected file is not replaced (PermissionError, as `open`);
    an existing file keeps its permission bits, a new one gets the umask's.

    Parameters
    ----------
    state : dict, list, array, number...
        For ``.npz``: any nesting of dicts (string or integer keys), lists, tuples,
        arrays, Tensors, numbers, strings and None. For ``.safetensors``: a flat dict
        of string keys to arrays or Tensors (a model's state dict).
    path : str or path-like
    format : {"npz", "safetensors"}, optional
        Default: "safetensors" when `path` ends in ``.safetensors``, else "npz".

    Examples
    --------
    >>> nn.save({"model": model.state_dict(), "epoch": 3}, "checkpoint.npz")
    >>> nn.load("checkpoint.npz")["epoch"]
    3
    >>> nn.save(model.state_dict(), "model.safetensors")   # opens in safetensors.torch
    """
    path = os.fspath(path)
    if _format(path, format) == "safetensors":
        payload = _safetensors_bytes(state)
        write = lambda f: f.write(payload)  # noqa: E731
    else:
        writer = _Writer()
        tree = writer.encode(state, [])
        members = dict(writer.arrays)
        members[MANIFEST] = np.array(json.dumps({"format": FORMAT, "version": VERSION, "tree": tree}))
        write = lambda f: np.savez(f, **members)  # noqa: E731
    _write_atomically(path, write)


def _safetensors_bytes(state):
    from safetensors.numpy import save as save_safetensors

    if not isinstance(state, dict):
        raise TypeError(f"nn.save: a .safetensors file holds a flat dict of arrays, got a {type(state).__name__}")
    tensors = {}
    for key, value in state.items():
        if isinstance(value, Tensor):
            value = value.data
        if not isinstance(key, str) or not isinstance(value, (np.ndarray, np.generic)):
            raise TypeError(
                f"nn.save: a .safetensors file holds a flat dict of string keys to arrays; {key!r} holds a "
                f"{type(value).__name__} (save nested state such as an optimizer's as .npz)"
            )
        tensors[key] = np.asarray(value, order="C")  # contiguous; 0-d stays 0-d
    try:
        return save_safetensors(tensors)
    except Exception as error:  # noqa: BLE001  e.g. a dtype safetensors lacks
        raise TypeError(f"nn.save: safetensors cannot store this state ({error})") from None


def _write_atomically(path, write):
    target = os.path.realpath(path)  # a symlink: replace what it points to
    directory, name = os.path.split(target)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    else:  # the OS decides (root, ACLs, read-only mounts), as open(path, "wb") would
        os.close(os.open(target, os.O_WRONLY))
    _remove_stale_temporaries(directory, name)
    temporary = os.path.join(directory, f".{name}.{os.getpid()}-{secrets.token_hex(4)}{_TEMPORARY}")
    # 0o666 filtered by the umask, like open(); an existing file's bits are copied below
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _remove_stale_temporaries(directory, name):
    """Delete `.name.<pid>-*.npgrad-tmp` files whose writing process no longer exists."""
    prefix = f".{name}."
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(_TEMPORARY)):
            continue
        pid = entry[len(prefix):-len(_TEMPORARY)].split("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue  # ours (another thread's save) or a live process's save in progress
        try:
            os.unlink(os.path.join(directory, entry))
        except OSError:
            pass


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: exists, owned by someone else
        return True
    return True


def load(path, format=None, max_bytes=None):
    """Read a file written by `save` (or a plain `np.savez` / safetensors file) without
    running code.

    Sizes declared in the file are checked against the file's own size and against
    `max_bytes` before anything is allocated.

    Parameters
    ----------
    path : str or path-like
    format : {"npz", "safetensors"}, optional
        Default: from the file's first bytes (a zip archive is `.npz`; otherwise a
        ``.safetensors`` path is read as safetensors).
    max_bytes : int, optional
        Refuse files whose arrays would take more than this many bytes once decoded
        (default `nn.serialization.MAX_BYTES`, 16 GiB).

    Returns
    -------
    The saved structure: dicts, lists, tuples, numbers and ndarrays. A plain
    `np.savez` file (no npgrad manifest) and a safetensors file come back as a flat
    dict of arrays (bfloat16 tensors, which NumPy lacks, widened exactly to float32).

    Raises
    ------
    ValueError
        If the file is truncated or corrupt, declares more data than it holds or than
        `max_bytes`, or is not a state file (for example a pickle or a PyTorch checkpoint).

    Examples
    --------
    >>> model.load_state_dict(nn.load("runs/digits/checkpoint.npz")["model"])
    """
    path = os.fspath(path)
    limit = MAX_BYTES if max_bytes is None else int(max_bytes)
    with open(path, "rb") as f:  # FileNotFoundError / PermissionError as usual
        head = f.read(4)
        size = os.fstat(f.fileno()).st_size
    kind = format
    if kind is None:
        kind = "npz" if head[:2] == b"PK" or not path.lower().endswith(".safetensors") else "safetensors"
    kind = _format(path, kind)
    if kind == "safetensors":
        return _load_safetensors(path, size, limit)
    if head[:2] != b"PK":
        raise ValueError(f"nn.load: {path} is not an npgrad state file (.npz): it is not a zip archive")
    try:
        arrays = _read_npz(path, size, limit)
    except _Refused as error:
        raise ValueError(f"nn.load: {path} {error}") from None
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001  zipfile/npy parsing of damaged bytes raises anything
        raise ValueError(f"nn.load: {path} is truncated or corrupt ({type(error).__name__}: {error})") from None
    if MANIFEST not in arrays:
        return arrays
    try:
        manifest = json.loads(str(arrays.pop(MANIFEST)))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError("unknown format")
        version = manifest.get("version", 0)
        if not isinstance(version, int) or version > VERSION:
            raise ValueError(f"written by a newer npgrad (format version {version!r})")
        return _decode(manifest["tree"], arrays)
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # noqa: BLE001  RecursionError, KeyError, TypeError... all mean damage
        raise ValueError(f"nn.load: {path} has a damaged npgrad manifest ({type(error).__name__}: {error})") from None


class _Refused(Exception):
    pass


def _read_npz(path, size, limit):
    """{member name without .npy: array}, every header checked before allocation."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        declared = _declared_entries(archive.fp, size)
        if declared is not None and declared != len(infos):
            raise _Refused(f"is corrupt: its zip directory lists {len(infos)} of {declared} members")
        stray = [i.filename for i in infos if not i.filename.endswith(".npy")]
        if stray:
            raise _Refused(f"is not an npgrad state file: it holds non-NumPy members such as {stray[0]!r} "
                           "(a PyTorch or other checkpoint?)")
        total = 0
        for info in infos:
            if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
                raise _Refused(f"is corrupt: member {info.filename!r} declares {info.file_size} bytes "
                               f"but stores {info.compress_size}")
            if info.header_offset + info.compress_size > size:
                raise _Refused(f"is truncated or corrupt: member {info.filename!r} declares "
                               f"{info.compress_size} bytes beyond the file's {size}")
            total += info.file_size
        if total > limit:
            raise _Refused(f"declares {total:,} bytes of arrays, more than max_bytes={limit:,} "
                           "(pass a larger max_bytes to nn.load to read it)")
        for info in infos:
            with archive.open(info) as member:
                arrays[info.filename[:-4]] = _read_npy(member, info)
    return arrays


def _declared_entries(f, size):
    """The member count in the end-of-central-directory record (None for zip64)."""
    tail = min(size, 22 + 65535)
    f.seek(size - tail)
    data = f.read(tail)
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise _Refused("is corrupt: no zip end-of-directory record")
    total = int.from_bytes(data[end + 10:end + 12], "little")
    return None if total == 0xFFFF else total


def _read_npy(member, info):
    """One array from a `.npy` stream whose header must agree with the member's size."""
    fmt = np.lib.format
    try:
        version = fmt.read_magic(member)
    except ValueError:
        raise _Refused(f"is corrupt: member {info.filename!r} is not a .npy array") from None
    if version == (1, 0):
        shape, fortran, dtype = fmt.read_array_header_1_0(member, max_header_size=10000)
    elif version == (2, 0):
        shape, fortran, dtype = fmt.read_array_header_2_0(member, max_header_size=10000)
    else:
        raise _Refused(f"is corrupt: member {info.filename!r} has .npy version {version}")
    if dtype.hasobject:
        raise _Refused(f"is not a safe state file: member {info.filename!r} holds Python objects (pickle)")
    count = 1
    for n in shape:
        count *= n
    header = member.tell() if member.seekable() else None
    expected = count * dtype.itemsize
    available = info.file_size - header if header is not None else None
    if available is not None and expected != available:
        raise _Refused(f"is corrupt: member {info.filename!r} declares shape {shape} of {dtype} "
                       f"({expected:,} bytes) but holds {available:,}")
    data = member.read(expected)
    if len(data) != expected or member.read(1):
        raise _Refused(f"is truncated or corrupt: member {info.filename!r} has the wrong length")
    array = np.frombuffer(data, dtype=dtype).copy()  # owns writable memory
    return array.reshape(shape, order="F" if fortran else "C")


_SAFETENSORS_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "U64": "<u8", "I32": "<i4", "U32": "<u4",
    "I16": "<i2", "U16": "<u2", "I8": "i1", "U8": "u1", "BOOL": "?", "C64": "<c8",
}


def _safetensors_array(name, dtype, shape, data):
    """One tensor's bytes as a writable native-order array; bfloat16 widens to float32."""
    if dtype == "BF16":  # NumPy has no bfloat16: its bits are a float32's upper half
        array = (np.frombuffer(data, "<u2").astype(np.uint32) << 16).view(np.float32)
    elif dtype in _SAFETENSORS_DTYPES:
        stored = np.dtype(_SAFETENSORS_DTYPES[dtype])
        array = np.frombuffer(data, stored).astype(stored.newbyteorder("="))  # a writable copy
    else:
        raise ValueError(f"tensor {name!r} has dtype {dtype}, which NumPy cannot hold")
    return array.reshape(shape)


def _load_safetensors(path, size, limit):
    from safetensors import deserialize

    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ValueError(f"nn.load: {path} is not a safetensors file: it is shorter than its 8-byte header length")
        header_size = int.from_bytes(head, "little")
        if header_size > min(size - 8, 100 * 2**20):
            raise ValueError(f"nn.load: {path} is not a safetensors file (or is truncated): "
                             f"its header declares {header_size:,} bytes, the file has {size:,}")
        if size > limit:
            raise ValueError(f"nn.load: {path} has {size:,} bytes, more than max_bytes={limit:,} "
                             "(pass a larger max_bytes to nn.load to read it)")
        data = head + f.read()
    try:  # the package checks the header against the data (offsets, sizes, overlaps)
        tensors = deserialize(data)
        return {name: _safetensors_array(name, info["dtype"], info["shape"], info["data"])
                for name, info in tensors}
    except Exception as error:  # noqa: BLE001  SafetensorError and friends
        raise ValueError(f"nn.load: {path} is not a valid safetensors file ({error})") from None


def _decode(node, arrays, depth=0):
    if depth > _MAX_DEPTH:
        raise ValueError(f"nesting deeper than {_MAX_DEPTH} levels")
    if not isinstance(node, dict):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        raise ValueError(f"unexpected {type(node).__name__} in the manifest")
    (kind, body), = node.items()
    if kind == "array":
        return arrays[body]
    if kind == "scalar":
        return arrays[body][()]
    if kind == "dict":
        out = {}
        for key, item in body:
            if not isinstance(key, (str, int)):
                raise ValueError(f"a dict key of type {type(key).__name__}")
            out[key] = _decode(item, arrays, depth + 1)
        return out
    if kind == "list":
        return [_decode(item, arrays, depth + 1) for item in body]
    if kind == "tuple":
        return tuple(_decode(item, arrays, depth + 1) for item in body)
    raise ValueError(f"unknown node kind {kind!r}")
