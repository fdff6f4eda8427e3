"""nn.save / nn.load: nested round trip, exact keys, atomic writes, clear errors, no pickle."""
import os
import pickle
import zipfile

import numpy as np
import pytest

import nn


def nested():
    return {
        "model": {"0.weight": np.arange(6, dtype=np.float32).reshape(2, 3), "1.num_batches_tracked": np.array(4)},
        "odd keys": {"a/b": np.ones(1), "50%": np.zeros(2), "[0]": 1, "": "empty key"},
        "optimizer": {"state": {0: {"step": 3.0, "exp_avg": np.ones(3)}},
                      "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "nesterov": False}]},
        "config": {"model": "convnet", "seed": 0, "missing": None, "inf": float("inf")},
        "scalar": np.float32(1.5),
        "history": [0.5, 0.25],
    }


def assert_same(a, b):
    assert type(a) is type(b), (a, b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b or (a != a and b != b)


def test_nested_round_trip_keeps_keys_types_and_dtypes(tmp_path):
    path = tmp_path / "state.npz"
    nn.save(nested(), path)
    assert_same(nn.load(path), nested())
    assert os.listdir(tmp_path) == ["state.npz"]  # no temporary left behind


def test_path_is_used_exactly_and_members_are_readable_by_numpy(tmp_path):
    path = tmp_path / "checkpoint.ckpt"  # no .npz appended
    nn.save({"model": {"0.weight": np.ones(2)}}, path)
    assert path.exists()
    with np.load(path, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["model/0.weight"], np.ones(2))


def test_module_state_dict_round_trip(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    model[1].running_var.data[...] = 3.0
    nn.save(model.state_dict(), tmp_path / "m.npz")
    other = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    other.load_state_dict(nn.load(tmp_path / "m.npz"))
    assert_same(other.state_dict(), model.state_dict())


def test_failed_save_leaves_old_file(tmp_path):
    path = tmp_path / "state.npz"
    nn.save({"w": np.ones(3)}, path)
    with pytest.raises(TypeError, match="object"):
        nn.save({"w": np.array([object()], dtype=object)}, path)
    with pytest.raises(TypeError, match="cannot save a set"):
        nn.save({"w": {1, 2}}, path)
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(3))
    assert os.listdir(tmp_path) == ["state.npz"]


def test_save_replaces_by_rename(tmp_path, monkeypatch):
    path = tmp_path / "state.npz"
    nn.save({"w": np.ones(3)}, path)
    renames = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append((a, b)), real(a, b)))
    nn.save({"w": np.zeros(3)}, path)
    (temporary, target), = renames
    assert os.path.dirname(temporary) == str(tmp_path) and target == str(path)
    np.testing.assert_array_equal(nn.load(path)["w"], np.zeros(3))


def test_truncated_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "state.npz"
    nn.save(nested(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        nn.load(path)


def test_foreign_files_give_clear_errors(tmp_path):
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps({"w": [1, 2]}))
    with pytest.raises(ValueError, match="not a zip archive"):
        nn.load(pickled)
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not an npgrad state file"):
        nn.load(text)
    torch_like = tmp_path / "model.pt"
    with zipfile.ZipFile(torch_like, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"w": 1}))
    with pytest.raises(ValueError, match="archive/data.pkl"):
        nn.load(torch_like)
    with pytest.raises(FileNotFoundError):
        nn.load(tmp_path / "absent.npz")


def test_object_member_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, w=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ValueError):
        nn.load(path)


def test_plain_npz_loads_as_flat_dict(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weight=np.ones(2), bias=np.zeros(1))
    loaded = nn.load(path)
    assert set(loaded) == {"weight", "bias"}
    fortran = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    np.savez_compressed(path, w=fortran, n=np.array(3))  # deflated members and Fortran order
    loaded = nn.load(path)
    np.testing.assert_array_equal(loaded["w"], fortran)
    assert loaded["n"] == 3 and loaded["w"].flags.writeable


# ------------------------------------------------------------ permissions, links, temporaries
def _as_nobody(fn):
    """Run fn() in a forked child; as root, the child first drops to uid/gid 65534 (so
    file permissions apply to it). Returns the name of the exception fn raised, or None."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        result = b"None"
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            fn()
        except BaseException as error:  # noqa: BLE001  reported to the parent
            result = type(error).__name__.encode()
        os.write(write, result)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        result = f.read().decode()
    os.waitpid(pid, 0)
    return None if result == "None" else result


def test_write_protected_checkpoint_is_not_replaced(tmp_path):
    tmp_path.chmod(0o777)  # the directory is writable: only the file's own bits protect it
    path = tmp_path / "frozen.npz"
    nn.save({"w": np.ones(2)}, path)
    path.chmod(0o444)
    assert _as_nobody(lambda: nn.save({"w": np.zeros(2)}, path)) == "PermissionError"
    np.testing.assert_array_equal(nn.load(path)["w"], np.ones(2))
    assert sorted(os.listdir(tmp_path)) == ["frozen.npz"]


def test_existing_mode_is_kept_and_new_files_follow_the_umask(tmp_path):
    path = tmp_path / "state.npz"
    nn.save({"w": np.ones(2)}, path)
    path.chmod(0o640)
    nn.save({"w": np.zeros(2)}, path)
    assert path.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o027)  # only this test's own setting, restored at once
    try:
        nn.save({"w": np.ones(2)}, tmp_path / "new.npz")
        assert os.umask(0o027) == 0o027  # save left the umask alone
    finally:
        os.umask(umask)
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == 0o640


def test_saving_through_a_symlink_updates_its_target(tmp_path):
    target = tmp_path / "runs" / "real.npz"
    target.parent.mkdir()
    nn.save({"w": np.ones(2)}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    nn.save({"w": np.zeros(2)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(nn.load(target)["w"], np.zeros(2))
    assert sorted(os.listdir(target.parent)) == ["real.npz"]


def test_next_save_removes_temporaries_of_dead_processes(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".state.npz.{dead}-0badc0de.npgrad-tmp"
    stale.write_bytes(b"x" * 1000)
    live = tmp_path / f".state.npz.{os.getppid()}-00000000.npgrad-tmp"  # a live process: kept
    live.write_bytes(b"y")
    other = tmp_path / f".other.npz.{dead}-0badc0de.npgrad-tmp"  # another file's: kept
    other.write_bytes(b"z")
    nn.save({"w": np.ones(2)}, tmp_path / "state.npz")
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, other.name, "state.npz"])


# --------------------------------------------------------------------- hostile files
def test_member_declaring_more_than_the_archive_is_refused_before_allocating(tmp_path):
    path = tmp_path / "bomb.npz"
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1, np.float32))
    header["shape"] = (2**28,)  # 1 GiB of float32 declared by the .npy header
    buffer = __import__("io").BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("w.npy", buffer.getvalue() + b"\0" * 2**20)  # 1 MiB of data
    with pytest.raises(ValueError, match="declares shape"):
        nn.load(path)
    data = bytearray(path.read_bytes())  # now the zip directory itself lies about the size
    central = data.rindex(b"PK\x01\x02")
    data[central + 20:central + 28] = (2**30).to_bytes(4, "little") * 2  # compressed and file size
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="declares"):
        nn.load(path)


def test_max_bytes_limits_and_can_be_raised(tmp_path):
    path = tmp_path / "big.npz"
    nn.save({"w": np.zeros(1000)}, path)
    with pytest.raises(ValueError, match="max_bytes"):
        nn.load(path, max_bytes=4000)
    assert nn.load(path, max_bytes=10**6)["w"].shape == (1000,)


def test_member_that_is_not_npy_is_refused(tmp_path):
    path = tmp_path / "raw.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("w.npy", b"just some bytes, not an array")
    with pytest.raises(ValueError, match="not a .npy array"):
        nn.load(path)


def test_deeply_nested_manifest_is_a_value_error(tmp_path):
    path = tmp_path / "deep.npz"
    tree = "[" * 100_000 + "]" * 100_000
    np.savez(path, **{"[npgrad]": np.array('{"format": "npgrad-state", "version": 1, "tree": ' + tree + "}")})
    with pytest.raises(ValueError, match="manifest"):
        nn.load(path)
    deep = None
    for _ in range(90):  # 180 levels: deep, but within what save and load both accept
        deep = {"a": [deep]}
    nn.save(deep, path)
    assert nn.load(path) == deep
    with pytest.raises(ValueError, match="deeper"):
        nn.save(_nest(400), path)


def _nest(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def test_every_bit_flip_loads_the_same_data_or_raises_value_error(tmp_path):
    path = tmp_path / "state.npz"
    nn.save(nested(), path)
    data = path.read_bytes()
    rng = np.random.default_rng(0)
    outcomes = {"same": 0, "ValueError": 0}
    for position in rng.choice(len(data) * 8, size=400, replace=False):
        flipped = bytearray(data)
        flipped[position // 8] ^= 1 << (position % 8)
        path.write_bytes(bytes(flipped))
        try:
            loaded = nn.load(path)
        except ValueError:
            outcomes["ValueError"] += 1
            continue
        assert_same(loaded, nested())  # a flip the format ignores (e.g. a timestamp) changes nothing
        outcomes["same"] += 1
    assert outcomes["ValueError"] > 200, outcomes


# ------------------------------------------------------------------------ safetensors
def test_safetensors_round_trip_by_extension_and_format(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    state = model.state_dict()
    nn.save(state, tmp_path / "model.safetensors")
    assert (tmp_path / "model.safetensors").read_bytes()[8:9] == b"{"  # length + JSON header
    loaded = nn.load(tmp_path / "model.safetensors")
    assert_same(dict(sorted(loaded.items())), dict(sorted(state.items())))
    assert all(v.flags.writeable for v in loaded.values())
    nn.save(state, tmp_path / "weights.bin", format="safetensors")
    assert_same(dict(sorted(nn.load(tmp_path / "weights.bin", format="safetensors").items())),
                dict(sorted(state.items())))
    with pytest.raises(TypeError, match="npz"):
        nn.save({"optimizer": {"state": {}}}, tmp_path / "opt.safetensors")
    with pytest.raises(ValueError, match="format"):
        nn.save(state, tmp_path / "x", format="pickle")
    assert sorted(os.listdir(tmp_path)) == ["model.safetensors", "weights.bin"]


def test_safetensors_files_are_shared_with_torch(tmp_path):
    torch = pytest.importorskip("torch")
    safetensors_torch = pytest.importorskip("safetensors.torch")
    state = {"0.weight": np.arange(6, dtype=np.float32).reshape(2, 3), "1.num_batches_tracked": np.array(4)}
    nn.save(state, tmp_path / "ours.safetensors")
    theirs = safetensors_torch.load_file(str(tmp_path / "ours.safetensors"))
    assert set(theirs) == set(state) and theirs["1.num_batches_tracked"].dtype == torch.int64
    assert torch.equal(theirs["0.weight"], torch.from_numpy(state["0.weight"]))
    safetensors_torch.save_file({"w": torch.ones(2, 2, dtype=torch.float16)}, str(tmp_path / "hf.safetensors"))
    loaded = nn.load(tmp_path / "hf.safetensors")
    assert loaded["w"].dtype == np.float16 and np.all(loaded["w"] == 1)
    bf16 = torch.tensor([[1.5, -2.25], [3e38, 1e-3]], dtype=torch.bfloat16)  # Hugging Face's usual dtype
    safetensors_torch.save_file({"w": bf16, "i": torch.arange(3)}, str(tmp_path / "bf16.safetensors"))
    loaded = nn.load(tmp_path / "bf16.safetensors")
    assert loaded["w"].dtype == np.float32 and loaded["w"].flags.writeable and loaded["i"].dtype == np.int64
    np.testing.assert_array_equal(loaded["w"], bf16.float().numpy())  # widened exactly


def test_corrupt_safetensors_is_a_value_error(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save({"w": np.ones(4, np.float32)}, path)
    data = path.read_bytes()
    for bad in (data[:5], data[:-3], (10**12).to_bytes(8, "little") + data[8:], data[:8] + b"[" + data[9:]):
        path.write_bytes(bad)
        with pytest.raises(ValueError):
            nn.load(path)
