"""Faults: kill -9 during nn.save, SIGINT / SIGTERM during `npgrad train` and a bit-identical
resume, the generator state in users' own loops. Subprocesses, bounded in time."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import nn
from autograd import get_rng_state, manual_seed, randn, set_rng_state
from autograd.mode import default_rng

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))

SAVER = """
import sys, numpy as np, nn
path = sys.argv[1]
big = {"w": np.full((2, 2**21), 7.0)}  # 32 MiB: a save takes a while
print("ready", flush=True)
while True:
    nn.save(big, path)
"""


def test_kill_9_during_save_keeps_a_valid_file_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "state.npz"
    nn.save({"w": np.ones(3)}, path)
    rng = np.random.default_rng(0)
    leftovers = 0
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], env=ENV, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.4))  # somewhere inside a save
        finally:
            child.kill()
            child.wait(timeout=60)
            child.stdout.close()
        leftovers += len(os.listdir(tmp_path)) - 1  # killed inside a save: its temporary stays
        loaded = nn.load(path)  # the old file or a complete new one, never half of one
        assert set(loaded) == {"w"}
        assert np.all(loaded["w"] == 1) or (loaded["w"].shape == (2, 2**21) and np.all(loaded["w"] == 7))
    assert leftovers >= 1  # the kills did land inside saves
    nn.save({"w": np.zeros(3)}, path)  # the next successful save removes the dead writer's temporaries
    assert os.listdir(tmp_path) == ["state.npz"]
    np.testing.assert_array_equal(nn.load(path)["w"], np.zeros(3))


def _train(*args, cwd):
    return subprocess.Popen([sys.executable, "-m", "nn.cli", "train", "--model", "mlp", "--epochs", "3",
                             "--batch-size", "128", *args],
                            cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _interrupt_after_first_epoch(process, signum):
    """Send `signum` once the first epoch's line is out; (exit status, stdout, stderr)."""
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("epoch   1/"):
            process.send_signal(signum)
            break
    out, err = process.communicate(timeout=300)
    return process.returncode, "".join(lines) + out, err


def test_sigint_during_train_saves_says_where_and_resume_is_bit_identical(tmp_path):
    straight = _train("--out", "straight", cwd=tmp_path)
    straight.communicate(timeout=300)
    assert straight.returncode == 0

    code, out, err = _interrupt_after_first_epoch(_train("--out", "stopped", cwd=tmp_path), signal.SIGINT)
    assert code == 130, err
    checkpoint = os.path.join("stopped", "checkpoint.npz")
    assert "stopped by SIGINT" in err and f"npgrad train --resume {checkpoint}" in err and "Traceback" not in err
    saved = nn.load(tmp_path / checkpoint)
    assert 1 <= saved["epoch"] < 3 and len(saved["history"]["train_loss"]) == saved["epoch"]

    resumed = subprocess.run([sys.executable, "-m", "nn.cli", "train", "--resume", checkpoint], cwd=tmp_path,
                             env=ENV, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming after epoch {saved['epoch']}" in resumed.stdout
    a, b = nn.load(tmp_path / "straight" / "checkpoint.npz"), nn.load(tmp_path / checkpoint)
    assert a["epoch"] == b["epoch"] == 3 and a["history"] == b["history"]
    for key in a["model"]:  # the same bits, not just close
        assert np.array_equal(a["model"][key], b["model"][key]), key
    assert a["optimizer"]["state"].keys() == b["optimizer"]["state"].keys()
    for index, entries in a["optimizer"]["state"].items():
        for name, value in entries.items():
            assert np.array_equal(value, b["optimizer"]["state"][index][name])


def test_sigterm_during_train_exits_143_with_a_resumable_checkpoint(tmp_path):
    code, out, err = _interrupt_after_first_epoch(_train("--out", "run", cwd=tmp_path), signal.SIGTERM)
    assert code == 143, err
    assert "stopped by SIGTERM" in err and "--resume" in err and "Traceback" not in err
    saved = nn.load(tmp_path / "run" / "checkpoint.npz")
    assert saved["epoch"] >= 1 and saved["rng"]["data"]["bit_generator"] == "PCG64"


def test_rng_state_round_trip_in_a_users_loop(tmp_path):
    manual_seed(5)
    state = get_rng_state()
    first = randn(4).data
    generator = default_rng()  # a reference taken before the restore sees the restored stream
    nn.save({"rng": state}, tmp_path / "rng.npz")
    set_rng_state(nn.load(tmp_path / "rng.npz")["rng"])
    assert default_rng() is generator
    np.testing.assert_array_equal(randn(4).data, first)
    with pytest.raises(ValueError, match="get_rng_state"):
        set_rng_state({"no": "state"})
    with pytest.raises(ValueError, match="unknown bit generator"):
        set_rng_state({"bit_generator": "Nope"})
    other = np.random.Philox(3).state  # another kind of generator: a new generator object
    set_rng_state(other)
    assert type(default_rng().bit_generator).__name__ == "Philox"
    manual_seed(0)
