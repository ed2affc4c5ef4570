"""Variable-length sequences for recurrent layers: padding and packing.

A batch of sequences of different lengths is held either *padded* (one tensor of shape
(T, B, *), shorter sequences filled with a padding value) or *packed*: a PackedSequence whose
`data` holds the time steps one after another, step t contributing its first `batch_sizes[t]`
sequences (the batch sorted by decreasing length), so no padding is stored or computed on.

    padded (T=3, B=2, lengths 3, 1)     packed data        batch_sizes
    t=0:  a0  b0                        a0 b0              [2, 1, 1]
    t=1:  a1  .                         a1
    t=2:  a2  .                         a2

`sorted_indices[i]` is the original batch index of the i-th longest sequence and
`unsorted_indices` its inverse; both are None when the batch was already sorted. Everything here
is written with differentiable torsh ops (slicing, cat, stack, index_select), so gradients
flow from packed data back to the padded input and the other way round.
"""
from __future__ import annotations

from typing import NamedTuple

from ... import (as_tensor, cat, float16, float32, float64, full, int8, int16, int32, int64,
                  stack, uint8)
from ..._core.errors import InvalidArgumentRuntime, ShapeMismatch
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pad_sequence", "unpad_sequence",
           "pack_padded_sequence", "pad_packed_sequence", "pack_sequence", "unpack_sequence"]


def invert_permutation(permutation):
    """The inverse permutation: result[permutation[i]] = i (None stays None)."""
    if permutation is None:
        return None
    order = permutation.tolist()
    inverse = [0] * len(order)
    for position, index in enumerate(order):
        inverse[index] = position
    return as_tensor(inverse, dtype=int64, device=permutation.device)


class _PackedSequenceFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceFields):
    """A named tuple (data, batch_sizes, sorted_indices, unsorted_indices); see the module doc.

    Build one with pack_padded_sequence or pack_sequence rather than by hand. `batch_sizes`
    is an int64 tensor on the CPU; the index tensors live on data's device.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PyTorch's legacy form PackedSequence((data, batch_sizes))
            data, batch_sizes = data
        if not isinstance(batch_sizes, Tensor):
            batch_sizes = as_tensor(batch_sizes, dtype=int64)
        if batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence "
                             "should never be created manually. They should be instantiated "
                             "by functions like pack_sequence and pack_padded_sequences in "
                             "nn.utils.rnn.")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> "PackedSequence":
        """Move or cast `data` as Tensor.to does; the index tensors follow data's device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        indices = [None if index is None else index.to(data.device)
                   for index in (self.sorted_indices, self.unsorted_indices)]
        return type(self)(data, self.batch_sizes, *indices)

    def cpu(self) -> "PackedSequence":
        return self.to("cpu")

    def cuda(self, *args, **kwargs) -> "PackedSequence":
        return self.to("cuda", *args, **kwargs)

    def double(self) -> "PackedSequence":
        return self.to(dtype=float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=float32)

    def half(self) -> "PackedSequence":
        return self.to(dtype=float16)

    def long(self) -> "PackedSequence":
        return self.to(dtype=int64)

    def int(self) -> "PackedSequence":
        return self.to(dtype=int32)

    def short(self) -> "PackedSequence":
        return self.to(dtype=int16)

    def char(self) -> "PackedSequence":
        return self.to(dtype=int8)

    def byte(self) -> "PackedSequence":
        return self.to(dtype=uint8)

    @property
    def is_cuda(self) -> bool:
        return self.data.device.type == "cuda"

    def is_pinned(self) -> bool:
        return False

    def pin_memory(self) -> "PackedSequence":
        return self


def _lengths_list(lengths, name: str = "lengths") -> list:
    """Lengths given as a list, tuple or 1-D tensor, as a list of Python ints."""
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise InvalidArgumentRuntime(f"'{name}' argument should be a 1D CPU int64 tensor, "
                                         f"but got {lengths.ndim}D {lengths.device.type} "
                                         f"{lengths.dtype} tensor")
        return [int(length) for length in lengths.tolist()]
    return [int(length) for length in lengths]


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right"):
    """Stack sequences of shapes (L_i, *) into (max L, B, *) (or (B, max L, *)), padded.

    out[t, i] = sequences[i][t] for t < L_i, else padding_value (with padding_side='left' the
    sequence is placed at the end: out[max L - L_i + t, i] = sequences[i][t]). The output has
    the first sequence's dtype.
    """
    if padding_side not in ("left", "right"):
        raise InvalidArgumentRuntime(f"Expected padding_side to be one of left or right, but "
                                     f"got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise InvalidArgumentRuntime("received an empty list of sequences")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    for seq in sequences[1:]:
        if tuple(seq.shape[1:]) != trailing:
            raise ShapeMismatch(f"pad_sequence: every sequence must have the trailing shape "
                                f"{list(trailing)} of the first, got {list(seq.shape)}")
    longest = max(seq.shape[0] for seq in sequences)
    padded = []
    for seq in sequences:
        seq = seq.to(first.dtype)
        missing = longest - seq.shape[0]
        if missing:
            pad = full((missing, *trailing), padding_value, dtype=first.dtype,
                       device=first.device)
            seq = cat([seq, pad] if padding_side == "right" else [pad, seq])
        padded.append(seq)
    return stack(padded, dim=0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False) -> list:
    """The inverse of pad_sequence (right padding): [padded[:L_i, i] for each i]."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:length] for seq, length in zip(padded_sequences, _lengths_list(lengths))]


def pack_padded_sequence(input, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *)) of sequences with the given lengths.

    data = cat over t of input[t, :batch_sizes[t]] (the batch sorted by decreasing length),
    batch_sizes[t] = #{i : lengths[i] > t}. With enforce_sorted=True the lengths must already
    be non-increasing; otherwise the batch is sorted (stably) and the permutation recorded.
    Deviation: a length beyond the padded length T raises here (PyTorch reads past the end).
    """
    lengths = _lengths_list(lengths)
    batch_dim = 0 if batch_first else 1
    if enforce_sorted:
        if any(earlier < later for earlier, later in zip(lengths, lengths[1:])):
            raise InvalidArgumentRuntime(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability.")
        sorted_indices = None
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        lengths = [lengths[i] for i in order]
        sorted_indices = as_tensor(order, dtype=int64, device=input.device)
        input = input.index_select(batch_dim, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    if input.numel() == 0 and input.shape[0] == 0:
        raise InvalidArgumentRuntime("Cannot pack empty tensors.")
    if len(lengths) != input.shape[1]:
        raise ShapeMismatch(f"Expected `len(lengths)` to be equal to batch_size, but got "
                            f"{len(lengths)} (batch_size={input.shape[1]})")
    if lengths and lengths[-1] <= 0:
        raise InvalidArgumentRuntime("Length of all samples has to be greater than 0, but found "
                                     "an element in 'lengths' that is <= 0")
    if lengths and lengths[0] > input.shape[0]:
        raise InvalidArgumentRuntime(f"pack_padded_sequence: length {lengths[0]} exceeds the "
                                     f"padded sequence length {input.shape[0]}")
    steps = lengths[0] if lengths else 0
    batch_sizes = [sum(1 for length in lengths if length > t) for t in range(steps)]
    data = cat([input[t, :size] for t, size in enumerate(batch_sizes)])
    return PackedSequence(data, as_tensor(batch_sizes, dtype=int64), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None):
    """The inverse of pack_padded_sequence: returns (padded, lengths) in the original order.

    padded has shape (T, B, *) (or (B, T, *)), with T = total_length if given (it must be at
    least the longest length) and positions past a sequence's end set to padding_value;
    lengths is an int64 tensor of the B sequence lengths.
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.tolist()
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    batch = batch_sizes[0]
    trailing = tuple(data.shape[1:])
    rows = []
    for t, step in enumerate(data.split(batch_sizes)):
        if batch_sizes[t] < batch:
            pad = full((batch - batch_sizes[t], *trailing), padding_value, dtype=data.dtype,
                       device=data.device)
            step = cat([step, pad])
        rows.append(step)
    padded = stack(rows)
    if steps > len(rows):
        padded = cat([padded, full((steps - len(rows), batch, *trailing), padding_value,
                                   dtype=data.dtype, device=data.device)])
    lengths = [sum(1 for size in batch_sizes if size > i) for i in range(batch)]
    batch_dim = 0 if batch_first else 1
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(batch_dim, sequence.unsorted_indices)
        lengths = [lengths[i] for i in sequence.unsorted_indices.tolist()]
    return padded, as_tensor(lengths, dtype=int64)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): pack_padded_sequence(pad_sequence(sequences), L)."""
    lengths = [seq.shape[0] for seq in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The inverse of pack_sequence: the list of sequences in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
