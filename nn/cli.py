"""The `npgrad` command line: train on the digits, gradient-check every op, draw a graph.

    npgrad train [--model convnet|mlp] [--epochs N] [--batch-size B] [--lr LR]
                 [--optimizer sgd|adam] [--weight-decay WD] [--no-augment] [--seed S]
                 [--out DIR]
    npgrad gradcheck [OP ...]
    npgrad graph CHECKPOINT_OR_MODEL --out FILE.svg
"""
import argparse
import contextlib
import os
import sys
import time

import numpy as np

import nn
from autograd.function import registry
from autograd.gradcheck import check
from autograd.mode import manual_seed, no_grad
from autograd.tensor import Tensor

MODELS = ("convnet", "mlp")
DEFAULT_LR = {"sgd": 0.05, "adam": 0.002}
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
    train.add_argument("--model", choices=MODELS, default="convnet",
                       help="conv-relu-pool-linear-relu-linear, or a 64-256-10 MLP (default: convnet)")
    train.add_argument("--epochs", type=_positive(int), default=30, help="passes over the training set (default: 30)")
    train.add_argument("--batch-size", type=_positive(int), default=32, help="mini-batch size (default: 32)")
    train.add_argument("--lr", type=_positive(float), default=None,
                       help="initial learning rate, annealed to 0 on a cosine over the epochs "
                            f"(default: {DEFAULT_LR['sgd']} for sgd, {DEFAULT_LR['adam']} for adam)")
    train.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd",
                       help="sgd with momentum 0.9, or adam (default: sgd)")
    train.add_argument("--weight-decay", type=_non_negative, default=5e-4, help="L2 weight decay (default: 5e-4)")
    train.add_argument("--no-augment", dest="augment", action="store_false",
                       help="do not shift training images by up to one pixel")
    train.add_argument("--seed", type=int, default=0, help="seed for initialisation and shuffling (default: 0)")
    train.add_argument("--out", default=None, help="output directory (default: runs/<timestamp>)")
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
                       help="output file; the suffix picks the format (.svg, .png or .pdf)")
    graph.set_defaults(run=run_graph)
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
def run_train(args):
    lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    out = args.out or _timestamped_dir()
    os.makedirs(out, exist_ok=True)
    manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    (x_train, y_train), (x_test, y_test) = nn.data.load_digits()
    model = build_model(args.model)
    if args.optimizer == "adam":
        optimizer = nn.optim.Adam(model.parameters(), lr=lr, weight_decay=args.weight_decay)
    else:
        optimizer = nn.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=args.weight_decay)
    schedule = nn.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    loss_fn = nn.CrossEntropyLoss()
    loader = nn.data.DataLoader((x_train, y_train), args.batch_size, shuffle=True, rng=rng)
    print(f"npgrad train: {args.model}, {sum(p.size for p in model.parameters()):,} parameters, "
          f"{args.optimizer} lr={lr:g} (cosine), weight decay {args.weight_decay:g}, "
          f"batch {args.batch_size}, {args.epochs} epochs, "
          f"{'shift augmentation, ' if args.augment else ''}"
          f"{len(x_train)} train / {len(x_test)} test digits")
    history = {key: [] for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        train_loss, train_accuracy = train_epoch(model, loader, loss_fn, optimizer, args.augment, rng,
                                                 f"epoch {epoch}/{args.epochs}")
        schedule.step()
        test_loss, test_accuracy = evaluate(model, loss_fn, x_test, y_test)
        for key, value in zip(history, (train_loss, train_accuracy, test_loss, test_accuracy)):
            history[key].append(value)
        print(f"epoch {epoch:3d}/{args.epochs}  loss {train_loss:.4f}  train acc {100 * train_accuracy:5.1f}%  "
              f"test loss {test_loss:.4f}  test acc {100 * test_accuracy:5.1f}%  "
              f"({time.perf_counter() - start:.1f} s)", flush=True)
    elapsed = time.perf_counter() - start
    config = {"model": args.model, "epochs": args.epochs, "batch_size": args.batch_size, "lr": lr,
              "optimizer": args.optimizer, "weight_decay": args.weight_decay,
              "augment": args.augment, "seed": args.seed}
    checkpoint = os.path.join(out, CHECKPOINT)
    nn.save({"config": config, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": schedule.state_dict(), "history": history}, checkpoint)
    written = [checkpoint, plot_curves(history, os.path.join(out, CURVES))]
    graph = draw_graph(model, x_test[:1], os.path.join(out, GRAPH))
    if graph:
        written.append(graph)
    print(f"test accuracy {100 * history['test_accuracy'][-1]:.1f}% after {args.epochs} epochs "
          f"in {elapsed:.1f} s")
    print("wrote " + ", ".join(written))
    return 0


def train_epoch(model, loader, loss_fn, optimizer, augment, rng, description):
    """One pass over `loader` in training mode, with a tqdm bar; (mean loss, accuracy)."""
    from tqdm import tqdm

    model.train()
    total_loss = correct = count = 0
    bar = tqdm(loader, desc=description, unit="batch", leave=False, dynamic_ncols=True)
    for x, y in bar:
        if augment:
            x = Tensor(nn.data.random_shift(x.data, 1, rng=rng))
        logits = model(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        correct += int((logits.data.argmax(axis=1) == y.data).sum())
        count += len(y)
        bar.set_postfix(loss=f"{loss.item():.4f}")
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


def draw_graph(model, x, path):
    """Render the graph of `model(x)` to `path` (format from the suffix); the path or None."""
    try:
        import graphviz

        from autograd import viz
    except ImportError as error:
        print(f"graph skipped: autograd.viz cannot be used ({error}); {path} not written")
        return None
    model.eval()
    tracing = getattr(viz, "trace", contextlib.nullcontext)
    with tracing():  # records which module made each op: drawn as one cluster per layer
        logits = model(Tensor(x))
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "svg"
    try:
        rendered = viz.draw(logits).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        print(f"graph skipped: Graphviz's `dot` program is not installed ({path} not written)")
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
    path = draw_graph(model, x_test[:1], args.out)
    if path is None:
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
