"""Samplers: the order in which a DataLoader visits a map-style dataset's indices.

A sampler is an iterable of indices (or, for BatchSampler, of lists of indices). Every random
choice is drawn from a torsh.Generator, so a seed fixes the order; a sampler built without a
generator draws a fresh seed from torsh's default generator at each pass.
"""
from __future__ import annotations

import math

from ..._core.generator import Generator, default_generator


class Sampler:
    """Base class: subclasses define __iter__ (and __len__ when they know their length)."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


def _positive_int(value, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: {name} should be a positive integer value, but got "
                         f"{name}={value}")
    return value


def _boolean(value, name: str, owner: str, error=TypeError) -> bool:
    if not isinstance(value, bool):
        raise error(f"{owner}: {name} should be a boolean value, but got {name}={value}")
    return value


def _pass_generator(generator) -> Generator:
    """The generator one pass draws from: the given one, or a new one seeded from the default."""
    if generator is not None:
        return generator
    return Generator().manual_seed(default_generator.integer(0, 1 << 63))


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices: whole random permutations (then part of one) without replacement, or
    num_samples independent uniform draws with replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = _boolean(replacement, "replacement", "RandomSampler")
        self._num_samples = num_samples
        self.generator = generator
        _positive_int(self.num_samples, "num_samples", "RandomSampler")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        from ...ops.random import randint, randperm
        n, count = len(self.data_source), self.num_samples
        gen = _pass_generator(self.generator)
        if self.replacement:
            yield from randint(n, (count,), generator=gen).tolist()
            return
        for _ in range(count // n):
            yield from randperm(n, generator=gen).tolist()
        yield from randperm(n, generator=gen).tolist()[:count % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order (a new permutation each pass)."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        from ...ops.random import randperm
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices in [0, len(weights)), index i with probability w_i / sum(w)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        from ...ops.creation import as_tensor
        from ..._core import dtype as dt
        _positive_int(num_samples, "num_samples", "WeightedRandomSampler")
        _boolean(replacement, "replacement", "WeightedRandomSampler", ValueError)
        self.weights = as_tensor(weights, dtype=dt.float64)
        if self.weights.ndim != 1:
            raise ValueError(f"WeightedRandomSampler: weights should be a 1d sequence but "
                             f"given weights have shape {tuple(self.weights.shape)}")
        self.num_samples, self.replacement = num_samples, replacement
        self.generator = generator

    def __iter__(self):
        from ...ops.random import multinomial
        drawn = multinomial(self.weights, self.num_samples, self.replacement,
                            generator=self.generator)
        yield from drawn.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the sampler's indices into lists of batch_size (the last one shorter, or dropped
    when drop_last)."""

    def __init__(self, sampler, batch_size, drop_last):
        _positive_int(batch_size, "batch_size", "BatchSampler")
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return math.ceil(len(self.sampler) / self.batch_size)


class InfiniteConstantSampler(Sampler):
    """None forever: the 'indices' of an IterableDataset, which ignores them."""

    def __iter__(self):
        while True:
            yield None
