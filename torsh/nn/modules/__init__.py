"""Core layers, each written in Python on top of torsh ops."""
from .activation import ReLU, Sigmoid, Tanh
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear
from .loss import MSELoss

__all__ = ["Identity", "Linear", "Flatten", "Unflatten", "ReLU", "Tanh", "Sigmoid",
           "Dropout", "MSELoss"]
