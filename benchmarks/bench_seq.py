"""Sequence-model benchmarks (issue 10): full training steps, npgrad vs torch in one run.

S1: character-level LSTM language model step: Embedding(65, 64) -> LSTM(64, 256,
    batch_first) -> Linear(256, 65), batch 32 x 64 characters, cross-entropy, SGD,
    float32. Target npgrad/torch <= 1.5.
S2: TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.1, batch_first) on
    (32, 64, 128) tokens from Embedding(65, 128), then Linear(128, 65), cross-entropy,
    SGD, float32. Target npgrad/torch <= 1.5.

Both libraries start from the same weights (copied through state_dict) and see the same
batch; a step is forward, loss, zero_grad, backward, optimizer step.

Run: python -m benchmarks.bench_seq [--quick] [--threads N]

On a shared, loaded machine two BLAS threads make the small per-step GEMMs of a
recurrence erratic (a (32, 256) @ (256, 1024) product took 0.9 ms on one thread and
15-25 ms on two while other jobs ran); npgrad's kernels follow ops/_blas.py's policy
(one thread beside busy cores), torch does not, so under load torch's times balloon.
`OPENBLAS_NUM_THREADS=1 ... --threads 1` compares both libraries on one core each,
which is the stable comparison on a busy machine.
"""
import sys

import numpy as np

from benchmarks import bench_nn
from benchmarks.harness import compare, row, torch_setup

VOCAB, BATCH, SEQ = 65, 32, 64


def lstm_models(torch):
    import nn
    from autograd import manual_seed

    manual_seed(0)

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, 64)
            self.lstm = nn.LSTM(64, 256, batch_first=True)
            self.head = nn.Linear(256, VOCAB)

        def forward(self, x):
            return self.head(self.lstm(self.embed(x))[0]).reshape(-1, VOCAB)

    class TorchCharLSTM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(VOCAB, 64)
            self.lstm = torch.nn.LSTM(64, 256, batch_first=True)
            self.head = torch.nn.Linear(256, VOCAB)

        def forward(self, x):
            return self.head(self.lstm(self.embed(x))[0]).reshape(-1, VOCAB)

    return CharLSTM(), TorchCharLSTM()


def encoder_models(torch):
    import nn
    from autograd import manual_seed

    manual_seed(0)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(VOCAB, 128)
            self.layer = nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.1, batch_first=True)
            self.head = nn.Linear(128, VOCAB)

        def forward(self, x):
            return self.head(self.layer(self.embed(x))).reshape(-1, VOCAB)

    class TorchEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(VOCAB, 128)
            self.layer = torch.nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.1,
                                                          batch_first=True)
            self.head = torch.nn.Linear(128, VOCAB)

        def forward(self, x):
            return self.head(self.layer(self.embed(x))).reshape(-1, VOCAB)

    return Encoder(), TorchEncoder()


def steps(torch, ours, theirs):
    """(npgrad step, torch step) on one fixed batch of characters and next characters, SGD."""
    import nn

    chars = np.random.default_rng(0).integers(0, VOCAB, (BATCH, SEQ + 1))
    x, y = chars[:, :-1], chars[:, 1:].reshape(-1)

    def make_opts(ours, theirs):
        return nn.optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(theirs.parameters(), lr=0.1)

    return bench_nn.steps(torch, ours, theirs, make_opts, x, y)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    torch = torch_setup()
    if "--threads" in argv:  # e.g. OPENBLAS_NUM_THREADS=1 python -m benchmarks.bench_seq --threads 1
        torch.set_num_threads(int(argv[argv.index("--threads") + 1]))
    rounds, repeat = (3, 2) if quick else (7, 3)
    pair = steps(torch, *lstm_models(torch))
    print(row("S1 char-LSTM step 65-64-256, 32 x 64 chars, SGD", *compare(*pair, rounds=rounds, repeat=repeat),
              target=1.5))
    pair = steps(torch, *encoder_models(torch))
    print(row("S2 encoder layer step d128 h4 ff512, 32 x 64", *compare(*pair, rounds=rounds, repeat=repeat),
              target=1.5))


if __name__ == "__main__":
    main()
