"""Optimizers with PyTorch's exact update rules, and learning-rate schedulers.

Examples
--------
>>> opt = nn.optim.Adam(model.parameters(), lr=1e-3)
>>> sched = nn.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
"""
from nn.optim import lr_scheduler
from nn.optim.adagrad import Adagrad
from nn.optim.adam import Adam, AdamW
from nn.optim.optimizer import Optimizer
from nn.optim.rmsprop import RMSprop
from nn.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adam", "AdamW", "lr_scheduler"]
