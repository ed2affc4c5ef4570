"""Fetchers: one batch (or one sample) from the indices a sampler produced.

The same fetcher runs in the main process (num_workers=0) and in each worker, which is why
0 and N workers give the same batches for the same indices. A fetcher raises StopIteration
when an iterable dataset has run out.
"""
from __future__ import annotations


class MapFetcher:
    """dataset[i] for each index i of the batch, collated."""

    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool):
        self.dataset, self.auto_collation, self.collate_fn = dataset, auto_collation, collate_fn

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        getitems = getattr(self.dataset, "__getitems__", None)
        samples = getitems(index) if getitems else [self.dataset[i] for i in index]
        return self.collate_fn(samples)


class IterableFetcher:
    """The next len(index) samples of iter(dataset) (the indices themselves are ignored)."""

    def __init__(self, dataset, auto_collation: bool, collate_fn, drop_last: bool):
        self.samples = iter(dataset)
        self.auto_collation, self.collate_fn = auto_collation, collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            try:
                return self.collate_fn(next(self.samples))
            except StopIteration:
                self.ended = True
                raise
        batch = []
        for _ in index:
            try:
                batch.append(next(self.samples))
            except StopIteration:
                self.ended = True
                break
        if not batch or (self.drop_last and len(batch) < len(index)):
            raise StopIteration
        return self.collate_fn(batch)


def make_fetcher(dataset, auto_collation: bool, collate_fn, drop_last: bool):
    from .dataset import IterableDataset
    kind = IterableFetcher if isinstance(dataset, IterableDataset) else MapFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)
