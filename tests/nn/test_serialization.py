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
