"""torsh.Generator: the seeded source of every random number torsh draws.

A Generator wraps one Mersenne Twister (Python's `random.Random`, MT19937), so a seed fixes
every later draw: `manual_seed(s)` twice gives the same numbers twice. Streams differ from
PyTorch's (whose CPU generator is also MT19937 but consumes its words differently); only
the API and the distributions are PyTorch's.

The module also holds the default generator and the functions that seed it (exported by
`torsh/ops/random.py` as torsh.manual_seed, torsh.seed, ...). Besides seeding, a Generator
offers the few draws the samplers in `torsh/ops/random.py` and `torsh/ops/random_inplace.py`
are built from: a uniform with a dtype's resolution, an open-interval uniform, an integer in
a range and a standard normal.
It knows nothing of tensors except that the state is handed out as a uint8 tensor.
"""
from __future__ import annotations

import math
import operator
import os
import random as _pyrandom
import struct

from .device import as_device
from .errors import InvalidArgumentRuntime

# Significand bits (with the implicit one) of each floating dtype: a uniform with that many
# random bits is exact in the dtype, so rounding can never turn it into 1.0.
SIGNIFICAND_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}

_WORDS = 624                                   # MT19937 keeps 624 32-bit words and an index
_STATE_FORMAT = f"<{_WORDS}IIQ"                # words, index, the initial seed
STATE_SIZE = struct.calcsize(_STATE_FORMAT)    # 2508 bytes
_SEED_MIN, _SEED_MAX = -(1 << 63), (1 << 64) - 1


def _nondeterministic_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """A random number generator: `Generator(device="cpu")`, seeded with `manual_seed(s)`.

    A fresh generator starts from PyTorch's default seed 67280421310721.
    """

    def __init__(self, device="cpu"):
        self.device = as_device(device)
        self._rng = _pyrandom.Random()
        self._initial_seed = 0
        self.manual_seed(67280421310721)

    # ------------------------------------------------------------ seeding

    def manual_seed(self, seed) -> "Generator":
        """Reset the stream to the one `seed` starts; negative seeds wrap modulo 2**64."""
        from ..tensor import Tensor
        if isinstance(seed, (bool, float, Tensor)) or not hasattr(seed, "__index__"):
            raise InvalidArgumentRuntime(f"manual_seed expected a long, but got "
                                         f"{type(seed).__name__}")
        seed = operator.index(seed)
        if not _SEED_MIN <= seed <= _SEED_MAX:
            raise ValueError(f"manual_seed: Overflow when unpacking long long (seed={seed}; "
                             f"valid seeds lie in [-2**63, 2**64 - 1])")
        seed %= 1 << 64
        self._initial_seed = seed
        self._rng.seed(seed)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy and return the seed used."""
        seed = _nondeterministic_seed()
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the current stream started from."""
        return self._initial_seed

    # ------------------------------------------------------------ state

    def get_state(self):
        """The whole state as a uint8 tensor of STATE_SIZE bytes (words, index, seed)."""
        import numpy as np
        from ..tensor import Tensor
        _version, internal, _gauss = self._rng.getstate()
        words, index = internal[:_WORDS], internal[_WORDS]
        packed = struct.pack(_STATE_FORMAT, *words, index, self._initial_seed)
        return Tensor._from_numpy(np.frombuffer(packed, dtype=np.uint8).copy())

    def set_state(self, new_state) -> "Generator":
        """Restore a state that `get_state` returned (a uint8 tensor)."""
        from ..tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"set_state: expected a torsh.ByteTensor, but got "
                            f"{type(new_state).__name__}")
        if new_state.dtype.name != "uint8":
            raise TypeError(f"set_state: RNG state must be a torsh.ByteTensor (uint8), got "
                            f"{new_state.dtype}")
        if new_state.numel() != STATE_SIZE:
            raise InvalidArgumentRuntime(f"set_state: Expected a CPU generator state of size "
                                         f"{STATE_SIZE} but found the input RNG state size to "
                                         f"be {new_state.numel()}")
        packed = bytes(new_state.detach().cpu().reshape(-1).tolist())
        *words, index, seed = struct.unpack(_STATE_FORMAT, packed)
        if not 0 <= index <= _WORDS:
            raise InvalidArgumentRuntime(f"set_state: invalid RNG state (index {index} is not "
                                         f"in [0, {_WORDS}])")
        self._rng.setstate((3, tuple(words) + (index,), None))
        self._initial_seed = seed
        return self

    def clone_state(self) -> "Generator":
        """A new generator on the same device, continuing from this one's state."""
        twin = Generator(self.device)
        twin._rng.setstate(self._rng.getstate())
        twin._initial_seed = self._initial_seed
        return twin

    # ------------------------------------------------------------ the draws samplers use

    def uniform(self, digits: int = 53) -> float:
        """k / 2**digits for a uniform random k in [0, 2**digits): a value in [0, 1)."""
        return self._rng.getrandbits(digits) / (1 << digits)

    def open_uniform(self) -> float:
        """(k + 1/2) / 2**52 for a uniform random k < 2**52: exact in a double, never 0 and
        never 1, so log(u) is finite and negative."""
        return (self._rng.getrandbits(52) + 0.5) / (1 << 52)

    def integer(self, low: int, high: int) -> int:
        """A uniform integer in [low, high), without modulo bias."""
        return low + self._rng.randrange(high - low)

    def standard_normal(self) -> float:
        """Box-Muller: sqrt(-2 ln u1) cos(2 pi u2) is N(0, 1) for independent uniforms u1, u2."""
        u1, u2 = self.open_uniform(), self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    # ------------------------------------------------------------ many draws at once
    # Each is the list of the single draws above, in order. A backend may install an
    # `accelerator` (Generator.accelerator) with methods of the same names that give the very
    # same numbers and leave the same state, or return None to decline (the C backend draws
    # with the same MT19937 in C: torsh/backends/c/rng.py).

    accelerator = None

    def _fast(self, name: str, *arguments):
        fast = getattr(self.accelerator, name, None)
        return None if fast is None else fast(self, *arguments)

    def uniforms(self, count: int, digits: int = 53):
        """[uniform(digits) for each of count]."""
        fast = self._fast("uniform", count, digits)
        return [self.uniform(digits) for _ in range(count)] if fast is None else fast

    def normals(self, count: int, mean: float = 0.0, std: float = 1.0):
        """[mean + std * standard_normal() for each of count]."""
        fast = self._fast("normal", count, mean, std)
        if fast is not None:
            return fast
        return [mean + std * self.standard_normal() for _ in range(count)]

    def integers(self, count: int, first: int, last: int):
        """[integer(first, last + 1) for each of count]: uniform in [first, last]."""
        fast = self._fast("integers", count, first, last)
        return [self.integer(first, last + 1) for _ in range(count)] if fast is None else fast

    def bernoullis(self, chances, count=None):
        """[uniform() < p for each chance p] as 1 / 0; with `count`, `chances` is one p for
        all count draws."""
        fast = self._fast("bernoulli", chances, count)
        if fast is not None:
            return fast
        if count is not None:
            return [1 if self.uniform() < chances else 0 for _ in range(count)]
        return [1 if self.uniform() < p else 0 for p in chances]

    def permutation(self, n: int):
        """0 .. n-1 shuffled by Fisher-Yates, swapping i with integer(0, i + 1) from the top."""
        fast = self._fast("permutation", n)
        if fast is not None:
            return fast
        values = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.integer(0, i + 1)
            values[i], values[j] = values[j], values[i]
        return values


default_generator = Generator()
default_generator.seed()        # as PyTorch 2.13: each process starts from a fresh seed


# ------------------------------------------------------------ torsh.manual_seed and friends

def manual_seed(seed) -> Generator:
    """Seed the default generator (any int in [-2**63, 2**64 - 1]); returns it."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator's current stream started from."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator from a state that get_rng_state returned."""
    default_generator.set_state(new_state)
