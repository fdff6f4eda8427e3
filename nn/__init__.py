"""nn: modules, layers, losses, optimizers, save/load, data, and the `npgrad` command line.

Names, arguments and defaults follow `torch.nn`, so a model ports by changing imports.

Examples
--------
>>> import nn
>>> model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
>>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
>>> loss = nn.CrossEntropyLoss()(model(x), y)
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> nn.save(model.state_dict(), "model.npz")
"""
from nn import data, functional, init, optim, utils
from nn.activation import (
    ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6,
    Sigmoid, SiLU, Softmax, Softplus, Softsign, Tanh,
)
from nn.container import ModuleList, Sequential
from nn.conv import Conv1d, ConvTranspose1d, ConvTranspose2d
from nn.fuse import fuse_conv_bn
from nn.layers import AvgPool2d, Conv2d, Dropout, Flatten, Identity, Linear, MaxPool2d
from nn.loss import (
    BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss,
    L1Loss, MSELoss, MultiMarginLoss, NLLLoss, SmoothL1Loss,
)
from nn.module import IncompatibleKeys, Module, StateDictError
from nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from nn.parameter import Parameter
from nn.attention import MultiheadAttention
from nn.embedding import Embedding, EmbeddingBag
from nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from nn.transformer import TransformerEncoder, TransformerEncoderLayer
from nn.pooling import (
    AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d,
    PixelShuffle, PixelUnshuffle, Unflatten, Upsample,
)
from nn.serialization import load, save

__all__ = [
    "Module", "Parameter", "StateDictError", "IncompatibleKeys",
    "Linear", "Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d",
    "MaxPool2d", "AvgPool2d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "Upsample", "PixelShuffle",
    "PixelUnshuffle", "Unflatten", "BatchNorm1d", "BatchNorm2d", "LayerNorm",
    "GroupNorm", "Dropout", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax",
    "LogSoftmax", "SiLU", "Mish", "Softplus", "ELU", "SELU", "Hardtanh", "ReLU6", "LogSigmoid",
    "Softsign", "PReLU", "Flatten", "Identity", "Sequential", "ModuleList",
    "CrossEntropyLoss", "MSELoss", "MultiMarginLoss", "NLLLoss", "L1Loss", "SmoothL1Loss",
    "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss", "CosineEmbeddingLoss",
    "Embedding", "EmbeddingBag", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder",
    "init", "optim", "data", "utils", "functional", "fuse_conv_bn", "save", "load",
]
