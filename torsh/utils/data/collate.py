"""Collation: turning a list of samples into one batch (default_collate) and converting a
single sample's numpy arrays into tensors (default_convert, used when batching is off).

default_collate stacks tensors along a new first dim, turns numbers and numpy arrays into
tensors, and recurses into dicts, named tuples and sequences, so a batch has the structure
of one sample with every leaf batched. Strings are left as lists.
"""
from __future__ import annotations

import collections.abc

import numpy as np

from ...tensor import Tensor

_UNSUPPORTED = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                "or lists; found {}")


def _is_namedtuple(obj) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def _same_type(elem, mapping_or_list):
    """Rebuild a container as elem's own type when that type can take it, else keep it."""
    try:
        return type(elem)(mapping_or_list)
    except TypeError:
        return mapping_or_list


def default_collate(batch):
    """Batch a list of samples that share one structure: stack(leaves) at every leaf."""
    from ...ops.creation import as_tensor, tensor
    from ...ops.shape import stack
    from ..._core import dtype as dt
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray) or isinstance(elem, np.generic):
        if elem.dtype.kind in "SaUO":
            raise TypeError(_UNSUPPORTED.format(elem.dtype))
        if elem.shape == ():
            return as_tensor(np.array(batch))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, float):
        return tensor(batch, dtype=dt.float64)
    if isinstance(elem, int):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_type(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(list(part)) for part in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of "
                               f"equal size (got sizes {[len(s) for s in batch]})")
        parts = [default_collate(list(part)) for part in zip(*batch)]
        return parts if isinstance(elem, tuple) else _same_type(elem, parts)
    raise TypeError(_UNSUPPORTED.format(type(elem)))


def default_convert(data):
    """One sample with its numpy arrays (not of strings or objects) made into tensors."""
    from ...ops.creation import as_tensor
    if isinstance(data, (np.ndarray, np.generic)) and data.dtype.kind not in "SaUO":
        return as_tensor(data)
    if isinstance(data, (Tensor, str, bytes)):
        return data
    if isinstance(data, collections.abc.Mapping):
        return _same_type(data, {key: default_convert(v) for key, v in data.items()})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence):
        return _same_type(data, [default_convert(d) for d in data])
    return data
