"""The `npgrad` command line: train (smoke and the default run), gradcheck, graph, --help,
bad arguments. Runs `python -m nn.cli` (what the `npgrad` console script calls)."""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import nn
from nn.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


HAVE_DOT = shutil.which("dot") is not None
NO_DOT = "the Graphviz `dot` program is not installed (the CLI's one-line skip message is tested instead)"
DOT_SKIPPED = "graph skipped: Graphviz's `dot` program is not installed"


def npgrad(*args, cwd, path=None):
    """Run the CLI in a subprocess, output piped (as in CI); `path` replaces PATH."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if path is not None:
        env["PATH"] = str(path)
    return subprocess.run([sys.executable, "-m", "nn.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def final_accuracy(stdout):
    return float(re.search(r"test accuracy ([\d.]+)%", stdout).group(1))


def epoch_lines(stdout):
    return [line for line in stdout.splitlines() if line.startswith("epoch ")]


def test_one_epoch_smoke_run_writes_checkpoint_plot_and_graph(tmp_path):
    result = npgrad("train", "--epochs", "1", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "epoch   1/1  loss" in result.stdout and "test acc" in result.stdout
    assert final_accuracy(result.stdout) > 30  # chance is 10%
    run = tmp_path / "run"
    assert (run / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    state = nn.load(run / "checkpoint.npz")
    assert state["config"]["model"] == "convnet" and len(state["history"]["test_accuracy"]) == 1
    assert state["epoch"] == 1
    model = nn.cli.build_model("convnet")
    model.load_state_dict(state["model"])
    assert len(epoch_lines(result.stdout)) == 1 and "\r" not in result.stderr  # piped: no progress bar
    drawn = npgrad("graph", str(run / "checkpoint.npz"), "--out", "again.svg", cwd=tmp_path)
    if HAVE_DOT:
        assert b"<svg" in (run / "graph.svg").read_bytes()
        assert drawn.returncode == 0, drawn.stderr
        assert b"<svg" in (tmp_path / "again.svg").read_bytes()
    else:  # the one-line message, and everything else written
        assert DOT_SKIPPED in result.stdout and not (run / "graph.svg").exists()
        assert drawn.returncode == 1 and drawn.stderr.count("\n") == 1 and DOT_SKIPPED in drawn.stderr


def test_without_dot_on_path_train_and_graph_say_so_in_one_line(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()  # PATH with no programs at all: certainly no `dot`
    result = npgrad("train", "--model", "mlp", "--epochs", "1", "--no-augment", "--out", "run",
                    cwd=tmp_path, path=empty)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "graph" in line and "skipped" in line]
    assert line.startswith(DOT_SKIPPED) and "apt-get install graphviz" in line
    assert sorted(os.listdir(tmp_path / "run")) == ["checkpoint.npz", "curves.png"]
    assert "Traceback" not in result.stderr
    drawn = npgrad("graph", "mlp", "--out", "g.svg", cwd=tmp_path, path=empty)
    assert drawn.returncode == 1 and drawn.stderr.startswith(DOT_SKIPPED) and drawn.stderr.count("\n") == 1
    assert not (tmp_path / "g.svg").exists()
    source = npgrad("graph", "mlp", "--out", "g.dot", cwd=tmp_path, path=empty)  # DOT text needs no dot
    assert source.returncode == 0, source.stderr
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    result = npgrad("train", "--model", "mlp", "--epochs", "2", "--no-augment", "--progress", "--out", "run",
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "epoch 1/2" in result.stderr and "batch" in result.stderr  # tqdm's bar on stderr
    assert len(epoch_lines(result.stdout)) == 2


def test_mlp_with_adam_and_default_out_directory(tmp_path):
    result = npgrad("train", "--model", "mlp", "--optimizer", "adam", "--epochs", "2",
                    "--batch-size", "64", "--no-augment", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (run,) = (tmp_path / "runs").iterdir()  # runs/<timestamp>
    assert re.fullmatch(r"\d{8}-\d{6}", run.name)
    assert sorted(os.listdir(run)) == ["checkpoint.npz", "curves.png"] + (["graph.svg"] if HAVE_DOT else [])
    assert final_accuracy(result.stdout) > 50
    assert len(epoch_lines(result.stdout)) == 2 and result.stderr == ""


def run_main(args, capsys):
    """`npgrad ARGS` in this process: (exit status, stdout, stderr)."""
    try:
        code = main(args)
    except SystemExit as exit_info:  # argparse usage errors and parser.exit
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err


def test_unwritable_out_fails_before_the_first_batch(tmp_path, capsys):
    (tmp_path / "file").write_text("a file, not a directory")
    code, out, err = run_main(["train", "--model", "mlp", "--epochs", "1", "--out", str(tmp_path / "file" / "run")],
                              capsys)
    assert code == 2 and "npgrad train: error:" in err and epoch_lines(out) == []


def test_diverging_run_stops_with_exit_1_and_keeps_the_last_finite_checkpoint(tmp_path, capsys):
    code, out, err = run_main(["train", "--model", "mlp", "--epochs", "3", "--lr", "1e6",
                               "--out", str(tmp_path / "run")], capsys)
    assert code == 1, err
    assert "diverged: the loss is nan" in err and "smaller --lr" in err
    state = nn.load(tmp_path / "run" / "checkpoint.npz")
    assert state["epoch"] == 0 and state["history"]["train_loss"] == []
    assert all(np.isfinite(v).all() for v in state["model"].values())


def test_resume_keeps_the_configuration_and_export_writes_safetensors(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["train", "--model", "mlp", "--epochs", "1", "--no-augment", "--out", "run"], capsys)
    assert code == 0, err
    code, out, err = run_main(["train", "--resume", "run/checkpoint.npz", "--epochs", "5"], capsys)
    assert code == 2 and "--epochs 5 (the checkpoint has 1)" in err
    code, out, err = run_main(["train", "--resume", "run/checkpoint.npz", "--model", "mlp"], capsys)
    assert code == 0 and epoch_lines(out) == [] and "resuming after epoch 1" in out  # nothing left to do
    code, out, err = run_main(["export", "run/checkpoint.npz", "--to", "mlp.safetensors"], capsys)
    assert code == 0 and "wrote mlp.safetensors (4 arrays, 19,210 numbers)" in out
    safetensors_torch = pytest.importorskip("safetensors.torch")
    theirs = safetensors_torch.load_file(str(tmp_path / "mlp.safetensors"))
    ours = nn.load(tmp_path / "run" / "checkpoint.npz")["model"]
    assert set(theirs) == set(ours)
    for key in ours:
        np.testing.assert_array_equal(theirs[key].numpy(), ours[key])
    code, out, err = run_main(["export", "run/curves.png", "--to", "x.safetensors"], capsys)
    assert code == 2 and "not a zip archive" in err


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


@pytest.mark.parametrize("args", [[], ["train"], ["gradcheck"], ["graph"], ["export"]])
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
    (["export", "model.npz"], "--to"),
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


@pytest.mark.skipif(not HAVE_DOT, reason=NO_DOT)
def test_graph_of_a_fresh_model_by_name(tmp_path, capsys):
    out = tmp_path / "mlp.svg"
    assert main(["graph", "mlp", "--out", str(out)]) == 0
    assert b"<svg" in out.read_bytes() and b"1.weight" in out.read_bytes()
