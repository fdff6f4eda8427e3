"""The `npgrad` command line: train on the digits, gradient-check every op, draw a graph.

    npgrad train [--model convnet|mlp] [--epochs N] [--batch-size B] [--lr LR]
                 [--optimizer sgd|adam] [--weight-decay WD] [--no-augment] [--seed S]
                 [--out DIR] [--resume CHECKPOINT] [--progress]
    npgrad gradcheck [OP ...]
    npgrad graph CHECKPOINT_OR_MODEL --out FILE.svg
    npgrad export CHECKPOINT --to FILE.safetensors

`npgrad train` writes its checkpoint before the first batch (so an unwritable --out
fails at once) and after every epoch, atomically. SIGINT / SIGTERM stop it after the
current batch; the checkpoint of the last finished epoch stays, and the exit status is
130 / 143. The checkpoint holds the random generators' states, so `--resume` continues
bit-identically. A non-finite loss stops the run with exit status 1, keeping the last
finite checkpoint.
"""
import argparse
import contextlib
import os
import signal
import sys
import time

import numpy as np

import nn
from autograd.function import registry
from autograd.gradcheck import check
from autograd.mode import get_rng_state, manual_seed, no_grad, set_rng_state
from autograd.tensor import Tensor

MODELS = ("convnet", "mlp")
DEFAULT_LR = {"sgd": 0.05, "adam": 0.002}
DEFAULTS = {"model": "convnet", "epochs": 30, "batch_size": 32, "optimizer": "sgd",
            "weight_decay": 5e-4, "augment": True, "seed": 0}  # lr: DEFAULT_LR[optimizer]
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + signal number, as shells
CHECKPOINT = "checkpoint.npz"
CURVES = "curves.png"
GRAPH = "graph.svg"


def build_model(name):
    """The digits classifiers: a cs231n-style convnet, or a one-hidden-layer MLP."""
    if name == "convnet":  # conv - relu - 2x2 max pool - affine - relu - affine
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(32 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10),
        )
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 10))
    raise ValueError(f"unknown model {name!r} (choose from {', '.join(MODELS)})")


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            expected = "an integer" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not value > 0 or not np.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def _non_negative(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def make_parser():
    parser = argparse.ArgumentParser(
        prog="npgrad",
        description="npgrad: reverse-mode automatic differentiation on NumPy.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train", help="train a digits classifier",
        description="Train a classifier on the 8x8 digits embedded in npgrad (1,438 training "
                    "and 359 test images); write the checkpoint, loss/accuracy curves (PNG) and "
                    "the model's graph (SVG) into --out.",
    )
    train.add_argument("--model", choices=MODELS, default=None,
                       help="conv-relu-pool-linear-relu-linear, or a 64-256-10 MLP (default: convnet)")
    train.add_argument("--epochs", type=_positive(int), default=None, help="passes over the training set (default: 30)")
    train.add_argument("--batch-size", type=_positive(int), default=None, help="mini-batch size (default: 32)")
    train.add_argument("--lr", type=_positive(float), default=None,
                       help="initial learning rate, annealed to 0 on a cosine over the epochs "
                            f"(default: {DEFAULT_LR['sgd']} for sgd, {DEFAULT_LR['adam']} for adam)")
    train.add_argument("--optimizer", choices=("sgd", "adam"), default=None,
                       help="sgd with momentum 0.9, or adam (default: sgd)")
    train.add_argument("--weight-decay", type=_non_negative, default=None, help="L2 weight decay (default: 5e-4)")
    train.add_argument("--no-augment", dest="augment", action="store_false", default=None,
                       help="do not shift training images by up to one pixel")
    train.add_argument("--seed", type=int, default=None, help="seed for initialisation and shuffling (default: 0)")
    train.add_argument("--out", default=None,
                       help="output directory (default: runs/<timestamp>, or the --resume checkpoint's directory)")
    train.add_argument("--resume", default=None, metavar="CHECKPOINT",
                       help="continue the run saved in CHECKPOINT (its configuration is kept), "
                            "bit-identically to a run that was never stopped")
    train.add_argument("--progress", action="store_true",
                       help="show a progress bar over the batches even when stderr is not a terminal "
                            "(default: only on a terminal; piped output gets one line per epoch)")
    train.set_defaults(run=run_train)

    gradcheck = commands.add_parser(
        "gradcheck", help="gradient-check every registered op in float64",
        description="Compare every registered op's backward against central differences in "
                    "float64, one line per op; exit status 1 if any fails.",
    )
    gradcheck.add_argument("ops", nargs="*", metavar="OP", help="only these ops (default: all)")
    gradcheck.set_defaults(run=run_gradcheck)

    graph = commands.add_parser(
        "graph", help="draw a model's computation graph",
        description="Draw the computation graph of a model's forward pass on one digit. "
                    "The argument is a checkpoint written by `npgrad train`, or a model name "
                    f"({', '.join(MODELS)}) for a freshly initialised model.",
    )
    graph.add_argument("source", metavar="CHECKPOINT_OR_MODEL")
    graph.add_argument("--out", required=True, metavar="FILE.svg",
                       help="output file; the suffix picks the format (.svg, .png or .pdf; .dot writes "
                            "the DOT text, which needs no Graphviz program)")
    graph.set_defaults(run=run_graph)

    export = commands.add_parser(
        "export", help="write a checkpoint's model weights as .safetensors (or .npz)",
        description="Write the model's state dict from a checkpoint written by `npgrad train` "
                    "(or any flat state file) to --to; a .safetensors file opens in PyTorch "
                    "(safetensors.torch.load_file) and Hugging Face tools.",
    )
    export.add_argument("checkpoint", metavar="CHECKPOINT")
    export.add_argument("--to", required=True, metavar="FILE.safetensors",
                        help="output file; .safetensors, else an .npz state file")
    export.set_defaults(run=run_export)
    return parser


def main(argv=None):
    """Entry point of the `npgrad` console script; returns the exit status."""
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError, KeyError) as error:
        parser.exit(2, f"{parser.prog} {args.command}: error: {error}\n")


# --------------------------------------------------------------------- train
class _Stop:
    """SIGINT / SIGTERM handler: the first signal asks the loop to stop after the current
    batch; a second one interrupts at once (KeyboardInterrupt)."""

    def __init__(self):
        self.signum = None
        self._previous = {}

    def __enter__(self):
        try:
            for signum in EXIT_STATUS:
                self._previous[signum] = signal.signal(signum, self._handle)
        except ValueError:  # not the main thread: signals stay as they were
            pass
        return self

    def __exit__(self, *exc):
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame):
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum


class _Diverged(Exception):
    pass


def _configuration(args):
    """The run's configuration: from --resume's checkpoint, or the flags and defaults."""
    given = {key: getattr(args, key) for key in (*DEFAULTS, "lr")}
    if args.resume is None:
        config = {key: DEFAULTS[key] if value is None else value for key, value in given.items() if key != "lr"}
        config["lr"] = given["lr"] if given["lr"] is not None else DEFAULT_LR[config["optimizer"]]
        return config, None
    state = nn.load(args.resume)
    try:
        config = dict(state["config"])
        for key in ("model", "optimizer", "scheduler", "history", "epoch", "rng"):
            state[key]  # noqa: B018  (present?)
    except (KeyError, TypeError):
        raise ValueError(f"{args.resume} is not a resumable checkpoint of `npgrad train` (one written before "
                         "--resume existed lacks the epoch count and the generator states)") from None
    clashes = [f"--{key.replace('_', '-')} {value} (the checkpoint has {config.get(key)})"
               for key, value in given.items() if value is not None and value != config.get(key)]
    if clashes:
        raise ValueError("a resumed run keeps the checkpoint's configuration; drop " + ", ".join(clashes))
    return config, state


def run_train(args):
    config, resumed = _configuration(args)
    out = args.out or ((os.path.dirname(args.resume) or ".") if resumed else _timestamped_dir())
    os.makedirs(out, exist_ok=True)
    checkpoint = os.path.join(out, CHECKPOINT)
    epochs, lr = config["epochs"], config["lr"]
    manual_seed(config["seed"])
    rng = np.random.default_rng(config["seed"])  # data order and augmentation
    (x_train, y_train), (x_test, y_test) = nn.data.load_digits()
    model = build_model(config["model"])
    if config["optimizer"] == "adam":
        optimizer = nn.optim.Adam(model.parameters(), lr=lr, weight_decay=config["weight_decay"])
    else:
        optimizer = nn.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=config["weight_decay"])
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    loader = nn.data.DataLoader((x_train, y_train), config["batch_size"], shuffle=True, rng=rng)
    history = {key: [] for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    done = 0
    if resumed:
        model.load_state_dict(resumed["model"])
        optimizer.load_state_dict(resumed["optimizer"])
        schedule.load_state_dict(resumed["scheduler"])
        history = {key: list(resumed["history"][key]) for key in history}
        set_rng_state(resumed["rng"]["default"])
        rng.bit_generator.state = resumed["rng"]["data"]
        done = int(resumed["epoch"])

    def save(epoch):
        nn.save({"config": config, "epoch": epoch, "model": model.state_dict(),
                 "optimizer": optimizer.state_dict(), "scheduler": schedule.state_dict(),
                 "history": history, "rng": {"default": get_rng_state(), "data": rng.bit_generator.state}},
                checkpoint)

    save(done)  # before the first batch: an unwritable --out fails now, and SIGINT has a checkpoint
    print(f"npgrad train: {config['model']}, {sum(p.size for p in model.parameters()):,} parameters, "
          f"{config['optimizer']} lr={lr:g} (cosine), weight decay {config['weight_decay']:g}, "
          f"batch {config['batch_size']}, {epochs} epochs, "
          f"{'shift augmentation, ' if config['augment'] else ''}"
          f"{len(x_train)} train / {len(x_test)} test digits"
          + (f"; resuming after epoch {done} from {args.resume}" if resumed else ""), flush=True)
    progress = args.progress or sys.stderr.isatty()
    start = time.perf_counter()
    def stopped(finished):
        name = signal.Signals(stop.signum).name
        where = f"during epoch {finished + 1}" if finished < epochs else "after the last epoch"
        print(f"npgrad train: stopped by {name} {where}; the checkpoint after epoch {finished} is "
              f"{checkpoint}" + (f"; continue with: npgrad train --resume {checkpoint}" if finished < epochs else ""),
              file=sys.stderr, flush=True)
        return EXIT_STATUS[stop.signum]

    with _Stop() as stop, np.errstate(over="ignore", invalid="ignore"):  # non-finite: checked below
        for epoch in range(done + 1, epochs + 1):
            if stop.signum is not None:  # a signal while the last epoch was evaluated or saved
                return stopped(epoch - 1)
            try:
                result = train_epoch(model, loader, loss_fn, optimizer, config["augment"], rng,
                                     f"epoch {epoch}/{epochs}", progress=progress, stop=stop)
                if result is None:  # a signal: the checkpoint of epoch - 1 stands
                    return stopped(epoch - 1)
                train_loss, train_accuracy = result
                schedule.step()
                test_loss, test_accuracy = evaluate(model, loss_fn, x_test, y_test)
                if not np.isfinite(test_loss) or not all(np.isfinite(p.data).all() for p in model.parameters()):
                    raise _Diverged(f"the test loss is {test_loss} after epoch {epoch}")
            except _Diverged as error:
                print(f"npgrad train: diverged: {error} (try a smaller --lr); stopped. The last finite "
                      f"checkpoint (after epoch {epoch - 1}) is {checkpoint}", file=sys.stderr, flush=True)
                return 1
            for key, value in zip(history, (train_loss, train_accuracy, test_loss, test_accuracy)):
                history[key].append(value)
            save(epoch)
            print(f"epoch {epoch:3d}/{epochs}  loss {train_loss:.4f}  train acc {100 * train_accuracy:5.1f}%  "
                  f"test loss {test_loss:.4f}  test acc {100 * test_accuracy:5.1f}%  "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
        if stop.signum is not None:
            return stopped(epochs)
    elapsed = time.perf_counter() - start
    written = [checkpoint, plot_curves(history, os.path.join(out, CURVES))]
    graph = draw_graph(model, x_test[:1], os.path.join(out, GRAPH))
    if graph:
        written.append(graph)
    print(f"test accuracy {100 * history['test_accuracy'][-1]:.1f}% after {epochs} epochs "
          f"in {elapsed:.1f} s")
    print("wrote " + ", ".join(written))
    return 0


def train_epoch(model, loader, loss_fn, optimizer, augment, rng, description, progress=True, stop=None):
    """One pass over `loader` in training mode; (mean loss, accuracy), or None when `stop`
    caught a signal (the pass ends after the current batch). A tqdm bar when `progress`.
    Raises _Diverged at the first non-finite loss, before the step that would use it."""
    from tqdm import tqdm

    model.train()
    total_loss = correct = count = 0
    bar = tqdm(loader, desc=description, unit="batch", leave=False, dynamic_ncols=True, disable=not progress)
    try:
        for batch, (x, y) in enumerate(bar, 1):
            if augment:
                x = Tensor(nn.data.random_shift(x.data, 1, rng=rng))
            logits = model(x)
            loss = loss_fn(logits, y)
            value = loss.item()
            if not np.isfinite(value):
                raise _Diverged(f"the loss is {value} at batch {batch} of {description}")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total_loss += value * len(y)
            correct += int((logits.data.argmax(axis=1) == y.data).sum())
            count += len(y)
            if progress:
                bar.set_postfix(loss=f"{value:.4f}")
            if stop is not None and stop.signum is not None:
                return None
    finally:
        bar.close()
    return total_loss / count, correct / count


def evaluate(model, loss_fn, x, y):
    """(mean loss, accuracy) of `model` in eval mode on arrays x, y."""
    model.eval()
    with no_grad():
        logits = model(Tensor(x))
        loss = loss_fn(logits, y).item()
    return loss, float((logits.data.argmax(axis=1) == y).mean())


def _timestamped_dir():
    base = os.path.join("runs", time.strftime("%Y%m%d-%H%M%S"))
    path, n = base, 1
    while os.path.exists(path):
        path, n = f"{base}-{n}", n + 1
    return path


def plot_curves(history, path):
    """Loss and accuracy per epoch, train and test, as a PNG; returns the path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["train_loss"], "o-", label="train")
    left.plot(epochs, history["test_loss"], "o-", label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss", yscale="log")
    right.plot(epochs, 100 * np.asarray(history["train_accuracy"]), "o-", label="train")
    right.plot(epochs, 100 * np.asarray(history["test_accuracy"]), "o-", label="test")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def draw_graph(model, x, path, file=None):
    """Render the graph of `model(x)` to `path` (format from the suffix); the path, or None
    after printing one line to `file` (default stdout) saying why it was skipped."""
    file = file or sys.stdout
    try:
        import graphviz

        from autograd import viz
    except ImportError as error:
        print(f"graph skipped: autograd.viz cannot be used ({error}); {path} not written", file=file)
        return None
    model.eval()
    tracing = getattr(viz, "trace", contextlib.nullcontext)
    with tracing():  # records which module made each op: drawn as one cluster per layer
        logits = model(Tensor(x))
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    try:  # .dot / .gv: the DOT text itself, which needs no Graphviz program
        rendered = viz.draw(logits).source.encode() if fmt in ("dot", "gv") else viz.draw(logits).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        print(f"graph skipped: Graphviz's `dot` program is not installed ({path} not written; "
              "apt-get install graphviz, brew install graphviz or conda install graphviz; "
              "a .dot file needs no Graphviz)", file=file)
        return None
    with open(path, "wb") as f:
        f.write(rendered)
    return path


# ----------------------------------------------------------------- gradcheck
def run_gradcheck(args):
    """Check every case of ops.samples in float64; one line per op with its worst error."""
    from ops.samples import all_cases

    names = args.ops or sorted(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise ValueError(f"not a registered op: {', '.join(unknown)}")
    cases = {name: [] for name in names}
    for case in all_cases():
        if case.op in cases and case.gradcheck:
            cases[case.op].append(case)
    failed = []
    width = max(map(len, names))
    for name in names:
        if not cases[name]:
            print(f"{name:<{width}}  no sample inputs in ops/samples  FAIL")
            failed.append(name)
            continue
        worst, messages = 0.0, []
        for case in cases[name]:
            try:
                report = check(case.fn, case.tensors(), atol=case.atol, rtol=case.rtol)
            except Exception as error:  # noqa: BLE001  an op that crashes is a failure to report
                messages.append(f"{case}: {type(error).__name__}: {error}")
                continue
            worst = max(worst, report.worst_relative_error)
            if not report.ok:
                messages.append(f"{case}: {report.message}")
        verdict = "FAIL" if messages else "ok"
        print(f"{name:<{width}}  worst relative error {worst:.2e} over {len(cases[name])} "
              f"sample{'s' if len(cases[name]) > 1 else ''}  {verdict}")
        for message in messages:
            print("    " + message.replace("\n", "\n    "))
        if messages:
            failed.append(name)
    print(f"{len(names) - len(failed)}/{len(names)} ops pass the float64 gradient check"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


# --------------------------------------------------------------------- graph
def run_graph(args):
    if args.source in MODELS and not os.path.exists(args.source):
        manual_seed(0)
        model = build_model(args.source)
    else:
        state = nn.load(args.source)
        try:
            model = build_model(state["config"]["model"])
            model.load_state_dict(state["model"])
        except (KeyError, TypeError):
            raise ValueError(f"{args.source} is not a checkpoint written by `npgrad train`") from None
    (_, _), (x_test, _) = nn.data.load_digits()
    path = draw_graph(model, x_test[:1], args.out, file=sys.stderr)
    if path is None:
        return 1
    print(f"wrote {path}")
    return 0


# -------------------------------------------------------------------- export
def run_export(args):
    """Write the model weights of a checkpoint (or a flat state file) to --to."""
    state = nn.load(args.checkpoint)
    if isinstance(state, dict) and isinstance(state.get("model"), dict) and "config" in state:
        state = state["model"]  # a checkpoint written by `npgrad train`
    if not isinstance(state, dict) or not all(isinstance(v, np.ndarray) for v in state.values()):
        raise ValueError(f"{args.checkpoint} holds neither a `npgrad train` checkpoint nor a flat state dict")
    nn.save(state, args.to)
    count = sum(v.size for v in state.values())
    print(f"wrote {args.to} ({len(state)} arrays, {count:,} numbers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
