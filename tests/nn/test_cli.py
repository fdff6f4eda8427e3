"""The `npgrad` command line: train (smoke and the default run), gradcheck, graph, --help,
bad arguments. Runs `python -m nn.cli` (what the `npgrad` console script calls)."""
import os
import re
import subprocess
import sys

import pytest

import nn
from nn.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def npgrad(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "nn.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def final_accuracy(stdout):
    return float(re.search(r"test accuracy ([\d.]+)%", stdout).group(1))


def test_one_epoch_smoke_run_writes_checkpoint_plot_and_graph(tmp_path):
    result = npgrad("train", "--epochs", "1", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "epoch   1/1  loss" in result.stdout and "test acc" in result.stdout
    assert final_accuracy(result.stdout) > 30  # chance is 10%
    run = tmp_path / "run"
    assert (run / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (run / "graph.svg").read_bytes()
    state = nn.load(run / "checkpoint.npz")
    assert state["config"]["model"] == "convnet" and len(state["history"]["test_accuracy"]) == 1
    model = nn.cli.build_model("convnet")
    model.load_state_dict(state["model"])
    assert "epoch 1/1" in result.stderr  # the tqdm progress bar

    drawn = npgrad("graph", str(run / "checkpoint.npz"), "--out", "again.svg", cwd=tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert b"<svg" in (tmp_path / "again.svg").read_bytes()


def test_mlp_with_adam_and_default_out_directory(tmp_path):
    result = npgrad("train", "--model", "mlp", "--optimizer", "adam", "--epochs", "2",
                    "--batch-size", "64", "--no-augment", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (run,) = (tmp_path / "runs").iterdir()  # runs/<timestamp>
    assert re.fullmatch(r"\d{8}-\d{6}", run.name)
    assert sorted(os.listdir(run)) == ["checkpoint.npz", "curves.png", "graph.svg"]
    assert final_accuracy(result.stdout) > 50


@pytest.mark.slow
def test_default_training_run_reaches_97_percent(tmp_path):
    result = npgrad("train", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert final_accuracy(result.stdout) >= 97.0, result.stdout


def test_gradcheck_checks_every_registered_op(capsys):
    from autograd.function import registry

    assert main(["gradcheck"]) == 0
    lines = capsys.readouterr().out.splitlines()
    checked = {line.split()[0] for line in lines[:-1]}
    assert checked == set(registry)
    assert all(line.endswith(" ok") for line in lines[:-1])
    assert lines[-1].startswith(f"{len(registry)}/{len(registry)} ops pass")


def test_gradcheck_reports_a_wrong_vjp_and_exits_1(capsys, monkeypatch):
    from autograd.function import registry

    broken = registry["tanh"]
    monkeypatch.setattr(broken, "vjp", lambda self, g: 2 * g)
    assert main(["gradcheck", "tanh", "exp"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"tanh\s+worst relative error .* FAIL", out) and "Jacobian mismatch" in out
    assert re.search(r"exp\s+worst relative error .* ok", out)


@pytest.mark.parametrize("args", [[], ["train"], ["gradcheck"], ["graph"]])
def test_help_everywhere(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args + ["--help"])
    assert exit_info.value.code == 0
    assert "usage: npgrad" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    ([], "required"),
    (["fly"], "invalid choice"),
    (["train", "--epochs", "0"], "must be positive"),
    (["train", "--epochs", "ten"], "expected an integer"),
    (["train", "--lr", "-1"], "must be positive"),
    (["train", "--model", "resnet"], "invalid choice"),
    (["train", "--optimizer", "lbfgs"], "invalid choice"),
    (["train", "--weight-decay", "-0.1"], "must be >= 0"),
    (["graph", "model.npz"], "--out"),
])
def test_bad_arguments_give_usage_not_traceback(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: npgrad" in err and message in err and "Traceback" not in err


def test_runtime_errors_are_one_clear_line(tmp_path):
    missing = npgrad("graph", "nowhere.npz", "--out", "g.svg", cwd=tmp_path)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "No such file" in missing.stderr
    (tmp_path / "junk.npz").write_text("not a checkpoint")
    junk = npgrad("graph", "junk.npz", "--out", "g.svg", cwd=tmp_path)
    assert junk.returncode == 2 and "not an npgrad state file" in junk.stderr and "Traceback" not in junk.stderr
    unknown = npgrad("gradcheck", "no_such_op", cwd=tmp_path)
    assert unknown.returncode == 2 and "not a registered op" in unknown.stderr


def test_graph_of_a_fresh_model_by_name(tmp_path, capsys):
    out = tmp_path / "mlp.svg"
    assert main(["graph", "mlp", "--out", str(out)]) == 0
    assert b"<svg" in out.read_bytes() and b"1.weight" in out.read_bytes()
