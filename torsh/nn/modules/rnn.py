"""Recurrent layers: RNN, LSTM and GRU (stacked, bidirectional, packed input) and their cells.

Each layer runs its cell over time with ordinary torsh ops (linear, sigmoid, tanh, ...), so
autograd differentiates through the unrolled loop; nothing here has its own backward. The
input projection W_ih x + b_ih of a whole layer is one `linear` over every time step at once;
only W_hh h runs step by step. Gate layouts, parameter names, shapes and the initialisation
U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) of every parameter are PyTorch's, so PyTorch
state_dicts load.

Internally a sequence is always "packed": a 2-D tensor of rows (the time steps one after the
other) plus the list of batch sizes per step; a padded (T, B, F) input is the special case of
T steps of B rows. Sequences end at different steps only in packed input: a finished sequence
keeps its last state as its h_n, and in the reverse direction a sequence starts from h0 at its
own last step.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ... import cat, empty, relu, sigmoid, stack, tanh, zeros
from ..._core.errors import InvalidArgumentRuntime, ShapeMismatch
from .. import init
from ..functional import dropout, linear
from ..module import Module
from ..parameter import Parameter
from ..utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ------------------------------------------------------------------ one time step of each cell
# gi is the input projection W_ih x + b_ih (already computed), state the previous (h,) or (h, c).

def _rnn_tanh_step(gi, state, w_hh, b_hh, w_hr=None):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""
    return (tanh(gi + linear(state[0], w_hh, b_hh)),)


def _rnn_relu_step(gi, state, w_hh, b_hh, w_hr=None):
    """h' = relu(W_ih x + b_ih + W_hh h + b_hh)."""
    return (relu(gi + linear(state[0], w_hh, b_hh)),)


def _lstm_step(gi, state, w_hh, b_hh, w_hr=None):
    """Gates i, f, g, o = chunks of W_ih x + b_ih + W_hh h + b_hh (in that order);
    c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c') (then h' = W_hr h')."""
    h, c = state
    i, f, g, o = (gi + linear(h, w_hh, b_hh)).chunk(4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, c


def _gru_step(gi, state, w_hh, b_hh, w_hr=None):
    """r = sigmoid(x_r + h_r), z = sigmoid(x_z + h_z), n = tanh(x_n + r * h_n),
    h' = (1 - z) n + z h, where x_* are chunks of W_ih x + b_ih and h_* of W_hh h + b_hh."""
    h = state[0]
    x_r, x_z, x_n = gi.chunk(3, 1)
    h_r, h_z, h_n = linear(h, w_hh, b_hh).chunk(3, 1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return (n + z * (h - n),)


_STEPS = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step, "LSTM": _lstm_step,
          "GRU": _gru_step}


def _run_direction(step, gi_steps, batch_sizes, state0, weights, reverse):
    """Run one direction of one layer over packed steps; returns (outputs per step, final state).

    gi_steps[t] holds the input projections of the batch_sizes[t] sequences alive at step t
    (the longest first), state0 the initial states of all sequences.
    """
    outputs = [None] * len(batch_sizes)
    if not reverse:
        state, ended = state0, []
        for t, size in enumerate(batch_sizes):
            if size < state[0].shape[0]:  # the last rows have ended: keep their final state
                ended.append(tuple(s[size:] for s in state))
                state = tuple(s[:size] for s in state)
            state = step(gi_steps[t], state, *weights)
            outputs[t] = state[0]
        if ended:  # rows that ended earlier sit further down the batch
            state = tuple(cat([s, *(rows[k] for rows in reversed(ended))])
                          for k, s in enumerate(state))
        return outputs, state
    state = tuple(s[:batch_sizes[-1]] for s in state0)
    for t in range(len(batch_sizes) - 1, -1, -1):
        size = batch_sizes[t]
        if size > state[0].shape[0]:  # longer sequences join at their own last step
            state = tuple(cat([s, s0[s.shape[0]:size]]) for s, s0 in zip(state, state0))
        state = step(gi_steps[t], state, *weights)
        outputs[t] = state[0]
    return outputs, state


def _check_sizes(input_size, hidden_size, num_layers, dropout, bias, batch_first, proj_size):
    if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
            or not 0 <= dropout <= 1):
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so "
                      f"non-zero dropout expects num_layers greater than 1, but got "
                      f"dropout={dropout} and num_layers={num_layers}", stacklevel=4)
    for name, value in (("bias", bias), ("batch_first", batch_first)):
        if not isinstance(value, bool):
            raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(value, int):
            raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
        if value <= 0:
            raise ValueError(f"{name} must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")


def _check_state_dims(states, batched: bool) -> None:
    """Batched input needs 3-D states, unbatched input 2-D ones (PyTorch's messages)."""
    dims = [state.ndim for state in states]
    want = 3 if batched else 2
    if any(d != want for d in dims):
        kind = "batched 3-D" if batched else "unbatched 2-D"
        if len(dims) == 2:
            raise InvalidArgumentRuntime(f"For {kind} input, hx and cx should also be {want}-D "
                                         f"but got ({dims[0]}-D, {dims[1]}-D) tensors")
        raise InvalidArgumentRuntime(f"For {kind} input, hx should also be {want}-D but got "
                                     f"{dims[0]}-D tensor")


class RNNBase(Module):
    """The stacked, optionally bidirectional recurrent layer shared by RNN, LSTM and GRU.

    mode is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'. Layer l, direction d (suffix '_reverse'
    for d = 1) owns weight_ih_l{l} (G*H, in_l), weight_hh_l{l} (G*H, H_out), bias_ih_l{l} and
    bias_hh_l{l} (G*H,), and for an LSTM with proj_size > 0 weight_hr_l{l} (proj_size, H),
    where G is the number of gates, H_out = proj_size or H, in_0 = input_size and
    in_l = H_out * num_directions above. Dropout (training only) acts on the output of every
    layer but the last.
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        _check_sizes(input_size, hidden_size, num_layers, dropout, bias, batch_first, proj_size)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else out_size * self._directions
            for direction in range(self._directions):
                shapes = {"weight_ih": (gate_size, layer_input),
                          "weight_hh": (gate_size, out_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(empty(*shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _flat_weights(self) -> list:
        """Every parameter in PyTorch's flat order (layer, direction, ih, hh, biases, hr)."""
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction: [[w_ih, w_hh, b_ih, b_hh], ...]."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch packs the weights into one buffer for cuDNN; torsh has no need."""

    def reset_parameters(self) -> None:
        """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    # -------------------------------------------------------------- forward

    def _layer_weights(self, layer: int, direction: int) -> tuple:
        """(w_ih, b_ih) and (w_hh, b_hh, w_hr) of one layer and direction (absent ones None)."""
        suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
        get = self._parameters.get
        return ((get("weight_ih" + suffix), get("bias_ih" + suffix)),
                (get("weight_hh" + suffix), get("bias_hh" + suffix), get("weight_hr" + suffix)))

    def _run(self, data, batch_sizes, states):
        """All layers over packed rows `data`; states is a tuple of (L*D, B, *) tensors.

        Returns the last layer's output rows and the tuple of final states, each (L*D, B, *).
        """
        if not batch_sizes:
            raise InvalidArgumentRuntime("Expected sequence length to be larger than 0 in RNN")
        step = _STEPS[self.mode]
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                (w_ih, b_ih), hidden_weights = self._layer_weights(layer, direction)
                gi_steps = linear(data, w_ih, b_ih).split(batch_sizes)
                index = layer * self._directions + direction
                state0 = tuple(s[index] for s in states)
                rows, final = _run_direction(step, gi_steps, batch_sizes, state0,
                                             hidden_weights, reverse=direction == 1)
                outputs.append(cat(rows))
                finals.append(final)
            data = outputs[0] if len(outputs) == 1 else cat(outputs, dim=1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                data = dropout(data, self.dropout, training=True)
        return data, tuple(stack([final[k] for final in finals]) for k in range(len(states)))

    def _state_sizes(self) -> list:
        """The last dim of each state: [H_out] for RNN and GRU, [H_out, H] for an LSTM."""
        out_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return [out_size, self.hidden_size] if self.mode == "LSTM" else [out_size]

    def _check_input(self, input, packed: bool) -> None:
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight.dtype}). Convert input: input.to({weight.dtype}), or "
                             f"convert model: model.to({input.dtype})")
        expected = 2 if packed else 3
        if input.ndim != expected:
            raise InvalidArgumentRuntime(f"input must have {expected} dimensions, got "
                                         f"{input.ndim}")
        if input.shape[-1] != self.input_size:
            raise ShapeMismatch(f"input.size(-1) must be equal to input_size. Expected "
                                f"{self.input_size}, got {input.shape[-1]}")

    def _check_states(self, states, batch: int) -> None:
        sizes = self._state_sizes()
        for k, (state, size) in enumerate(zip(states, sizes)):
            expected = (self.num_layers * self._directions, batch, size)
            if tuple(state.shape) != expected:
                what = f"hidden[{k}]" if len(sizes) > 1 else "hidden"
                raise ShapeMismatch(f"Expected {what} size {expected}, got {list(state.shape)}")

    def _forward(self, input, hx):
        """The shared forward; hx is None or a tuple of states. Returns (output, states)."""
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch_sizes = [int(size) for size in batch_sizes.tolist()]
            self._check_input(data, packed=True)
            batch = batch_sizes[0]
        else:
            if input.ndim not in (2, 3):
                tail = "tensor instead" if name == "RNN" else "instead"
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                                 f"{tail}")
            batched = input.ndim == 3
            batch_dim = 0 if self.batch_first else 1
            if not batched:
                input = input.unsqueeze(batch_dim)
            if hx is not None:
                _check_state_dims(hx, batched)
                if not batched:
                    hx = tuple(state.unsqueeze(1) for state in hx)
            self._check_input(input, packed=False)
            if self.batch_first:
                input = input.transpose(0, 1)
            steps, batch = input.shape[0], input.shape[1]
            batch_sizes = [batch] * steps
            data = input.reshape(steps * batch, self.input_size)
            sorted_indices = unsorted_indices = None
        if hx is None:
            layers = self.num_layers * self._directions
            hx = tuple(zeros(layers, batch, size, dtype=data.dtype, device=data.device)
                       for size in self._state_sizes())
        else:
            self._check_states(hx, batch)
            if sorted_indices is not None:
                hx = tuple(state.index_select(1, sorted_indices) for state in hx)
        out, states = self._run(data, batch_sizes, hx)
        if unsorted_indices is not None:
            states = tuple(state.index_select(1, unsorted_indices) for state in states)
        if packed:
            return PackedSequence(out, input.batch_sizes, sorted_indices, unsorted_indices), states
        out = out.reshape(len(batch_sizes), batch, out.shape[-1])
        if self.batch_first:
            out = out.transpose(0, 1)
        if not batched:
            out = out.squeeze(batch_dim)
            states = tuple(state.squeeze(1) for state in states)
        return out, states


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False). forward(input, hx=None) returns
    (output, h_n): output (T, B, D*H) holds the last layer's h_t, h_n (L*D, B, H) the final
    states, layer-major then direction.
    """

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             f"or 'relu'.")
        super().__init__(modes[self.nonlinearity], *args, **kwargs)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order); see _lstm_step.

    LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0). forward(input, (h_0, c_0)=None) returns
    (output, (h_n, c_n)); with proj_size > 0, h is projected to proj_size features
    (output (T, B, D*proj_size), h_n (L*D, B, proj_size), c_n (L*D, B, hidden_size)).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self._forward(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n (PyTorch's order); see _gru_step.

    GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False). forward(input, hx=None) returns (output, h_n) as RNN does.
    """

    def __init__(self, *args, **kwargs) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        output, (h_n,) = self._forward(input, None if hx is None else (hx,))
        return output, h_n


class RNNCellBase(Module):
    """One step of a recurrent cell: weight_ih (G*H, input_size), weight_hh (G*H, H),
    bias_ih and bias_hh (G*H,) (None without bias), all ~ U(-1/sqrt(H), 1/sqrt(H))."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate_size = num_chunks * hidden_size
        self.weight_ih = Parameter(empty(gate_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(empty(gate_size, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gate_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gate_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _step(self, step, name, input, states):
        """Check shapes, add/remove the batch dim of unbatched input and run one step."""
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if states is not None:
            for k, state in enumerate(states):
                if state.ndim not in (1, 2):
                    what = f"hx[{k}]" if len(states) > 1 else "hidden"
                    raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got "
                                     f"{state.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise ShapeMismatch(f"{name}: input has inconsistent input_size: got "
                                f"{input.shape[1]} expected {self.input_size}")
        count = 2 if step is _lstm_step else 1
        if states is None:
            zero = zeros(input.shape[0], self.hidden_size, dtype=input.dtype,
                         device=input.device)
            states = (zero,) * count
        elif not batched:
            states = tuple(state.unsqueeze(0) for state in states)
        for k, state in enumerate(states):
            if state.shape[0] != input.shape[0]:
                raise ShapeMismatch(f"{name}: Input batch size {input.shape[0]} doesn't match "
                                    f"hidden{k} batch size {state.shape[0]}")
            if state.shape[1] != self.hidden_size:
                raise ShapeMismatch(f"{name}: hidden{k} has inconsistent hidden_size: got "
                                    f"{state.shape[1]}, expected {self.hidden_size}")
        gi = linear(input, self.weight_ih, self.bias_ih)
        out = step(gi, states, self.weight_hh, self.bias_hh)
        return out if batched else tuple(state.squeeze(0) for state in out)


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu); forward(input, hx=None) -> h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        steps = {"tanh": _rnn_tanh_step, "relu": _rnn_relu_step}
        if self.nonlinearity not in steps:
            raise InvalidArgumentRuntime(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(steps[self.nonlinearity], "RNNCell", input,
                          None if hx is None else (hx,))[0]


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o); forward(input, (h, c)=None) -> (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._step(_lstm_step, "LSTMCell", input, None if hx is None else tuple(hx))


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n); forward(input, hx=None) -> h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        return self._step(_gru_step, "GRUCell", input, None if hx is None else (hx,))[0]
