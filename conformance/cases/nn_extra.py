"""torsh.nn.functional against torch.nn.functional: relu / sigmoid / tanh, the in-place
activations, prelu, glu, rrelu, gumbel_softmax, the channel and alpha dropouts, embedding,
embedding_bag and bilinear. Random functions are checked on their deterministic paths (eval,
p = 0, p = 1, positive inputs for rrelu) and through properties that hold for any draw."""
from . import FLOATS, INTS, A, Case
from .nn_functional import functional, op

GRADS = ("float32", "float64")
F64 = ("float64",)
F32 = ("float32",)


def inplace(name: str):
    """F.name_(x.clone(), ...): the in-place variant on a copy (gradients reach x)."""
    def call(lib, x, *args, **kwargs):
        return getattr(functional(lib), name)(x.clone(), *args, **kwargs)
    call.__name__ = name
    return call


def inplace_flag(name: str):
    """F.name(x.clone(), ..., inplace=True)."""
    def call(lib, x, *args, **kwargs):
        return getattr(functional(lib), name)(x.clone(), *args, inplace=True, **kwargs)
    call.__name__ = name + "_inplace"
    return call


CASES = []

# ------------------------------------------------------------ relu, sigmoid, tanh
# (case names start with F_: the torsh.relu / torsh.tanh cases of other families share the op)
for name in ("relu", "sigmoid", "tanh"):
    fn = op(name)
    CASES += [
        Case(fn, (A(2, 3),), name="F_typical", dtypes=FLOATS + (INTS if name == "relu" else ())),
        Case(fn, (A(3, 4, layout="transposed"),), name="F_transposed", dtypes=F32),
        Case(fn, (A(16, domain="special"),), name="F_special", dtypes=FLOATS, grad=False),
        Case(fn, (A(),), name="F_zero_dim", dtypes=F64),
        Case(fn, (A(0, 2),), name="F_empty", dtypes=F32),
    ]
CASES += [
    Case(inplace_flag("relu"), (A(2, 3),), dtypes=GRADS),
    Case(inplace("relu_"), (A(2, 3),), dtypes=GRADS + ("int64",)),
    Case(inplace("hardtanh_"), (A(2, 3), -0.5, 0.7), dtypes=GRADS),
    Case(inplace("elu_"), (A(2, 3), 0.5), dtypes=GRADS),
    Case(inplace("leaky_relu_"), (A(2, 3), 0.3), dtypes=GRADS),
    Case(inplace("threshold_"), (A(2, 3), 0.2, -1.0), dtypes=GRADS),
    Case(inplace("selu_"), (A(2, 3),), dtypes=GRADS),
    Case(inplace("celu_"), (A(2, 3), 1.5), dtypes=GRADS),
    Case(inplace("rrelu_"), (A(2, 3), 0.1, 0.3), dtypes=GRADS),
    Case(inplace_flag("elu"), (A(2, 3),), dtypes=F64),
    Case(inplace_flag("silu"), (A(2, 3),), dtypes=F64),
    Case(inplace_flag("hardswish"), (A(2, 3),), dtypes=F64),
]

# ------------------------------------------------------------ prelu
_prelu = op("prelu")
CASES += [
    Case(_prelu, (A(2, 3), A(3, domain="unit")), dtypes=FLOATS),
    Case(_prelu, (A(2, 3, 2), A(1, domain="unit")), name="shared", dtypes=GRADS),
    Case(_prelu, (A(2, 3, 2, 2), A(3, domain="unit")), name="4d", dtypes=F64),
    Case(_prelu, (A(4), A(1, domain="unit")), name="vector", dtypes=F64),
    Case(_prelu, (A(), A(1, domain="unit")), name="zero_dim", dtypes=F64),
    Case(_prelu, (A(2, 3), A(domain="unit")), name="scalar_weight", dtypes=F64),
    Case(_prelu, (A(3, 4, layout="transposed"), A(4, domain="unit", layout="strided")),
         name="layouts", dtypes=F32),
    Case(_prelu, (A(2, 3, 2, layout="expanded"), A(3, domain="unit")), name="expanded",
         dtypes=F64),
    Case(_prelu, (A(0, 3), A(3)), name="empty", dtypes=F32),
    Case(_prelu, (A(16, domain="special"), A(1, values=[0.5])), name="special", dtypes=FLOATS,
         grad=False),
    Case(_prelu, (A(2, 3), A(2)), name="channel_mismatch", dtypes=F32, error="RuntimeError"),
    Case(_prelu, (A(2, 3), A(3, 1)), name="weight_2d", dtypes=F32, error="RuntimeError"),
    Case(_prelu, (A(), A(2)), name="zero_dim_channels", dtypes=F32, error="RuntimeError"),
    Case(_prelu, (A(2, 3), A(3)), name="int", dtypes=("int64",), error="NotImplementedError"),
    Case(_prelu, (A(2, 3), A(3, dtype="float64")), name="dtype_mismatch", dtypes=F32,
         error="RuntimeError"),
]

# ------------------------------------------------------------ glu, rrelu
_glu, _rrelu = op("glu"), op("rrelu")
CASES += [
    Case(_glu, (A(2, 4),), dtypes=FLOATS),
    Case(_glu, (A(4, 3), 0), name="dim0", dtypes=GRADS),
    Case(_glu, (A(2, 2, 3), -2), name="middle", dtypes=F64),
    Case(_glu, (A(3, 4, layout="transposed"),), name="transposed", dtypes=F32),
    Case(_glu, (A(0, 4),), name="empty", dtypes=F32),
    Case(_glu, (A(16, domain="special"),), name="special", dtypes=GRADS, grad=False),
    Case(_glu, (A(2, 3),), name="odd", dtypes=F32, error="RuntimeError"),
    Case(_glu, (A(),), name="scalar", dtypes=F32, error="RuntimeError"),
    Case(_glu, (A(2, 4),), name="int", dtypes=("int64",), error="NotImplementedError"),
    Case(_glu, (A(2, 4), 2), name="bad_dim", dtypes=F32, error="IndexError"),
    Case(_rrelu, (A(2, 3),), dtypes=FLOATS),
    Case(_rrelu, (A(2, 3), 0.2, 0.4), name="bounds", dtypes=GRADS),
    Case(_rrelu, (A(2, 3, domain="positive"),), kwargs={"training": True}, name="training",
         dtypes=GRADS),
    Case(_rrelu, (A(16, domain="special"),), name="special", dtypes=GRADS, grad=False),
    Case(_rrelu, (A(3), 0.5, 0.2), name="bad_bounds", dtypes=F32, error="RuntimeError"),
    Case(_rrelu, (A(3),), name="int", dtypes=("int64",), error="NotImplementedError"),
]


def gumbel_softmax(lib, logits, **kwargs):
    """Each sample is a distribution (sums to 1 along dim); a hard one is one-hot."""
    sample = functional(lib).gumbel_softmax(logits, **kwargs)
    dim = kwargs.get("dim", -1)
    if kwargs.get("hard"):
        return sample.sum(dim), (sample > 0.5).sum(dim)
    return sample.sum(dim)


CASES += [
    Case(gumbel_softmax, (A(2, 5),), dtypes=GRADS, grad=False),
    Case(gumbel_softmax, (A(3, 4),), kwargs={"tau": 0.5, "hard": True, "dim": 0}, name="hard",
         dtypes=GRADS, grad=False),
]

# ------------------------------------------------------------ dropouts (deterministic paths)
for name, shape in (("dropout1d", (2, 3, 2)), ("dropout2d", (2, 3, 2, 1)),
                    ("dropout3d", (1, 2, 2, 1, 2)), ("alpha_dropout", (2, 3)),
                    ("feature_alpha_dropout", (2, 3, 2))):
    fn = op(name)
    CASES += [
        Case(fn, (A(*shape),), kwargs={"training": False}, name="eval", dtypes=FLOATS),
        Case(fn, (A(*shape),), kwargs={"p": 0.0, "training": True}, name="p0", dtypes=GRADS),
        Case(fn, (A(*shape),), kwargs={"p": 1.0, "training": True}, name="p1", dtypes=GRADS),
        Case(fn, (A(*shape),), kwargs={"p": -0.1}, name="bad_p", dtypes=F32,
             error="ValueError"),
    ]
CASES += [
    Case(op("dropout1d"), (A(3, 2),), kwargs={"p": 1.0}, name="unbatched_p1", dtypes=F64),
    Case(op("dropout3d"), (A(2, 2, 1, 2),), kwargs={"p": 1.0}, name="unbatched_p1",
         dtypes=F64),
    Case(op("dropout1d"), (A(2, 2, 2, 2),), name="4d", dtypes=F32, error="RuntimeError"),
    Case(op("dropout1d"), (A(3),), name="1d", dtypes=F32, error="RuntimeError"),
    Case(op("feature_alpha_dropout"), (A(3),), kwargs={"training": True}, name="1d",
         dtypes=F32, error="RuntimeError"),
    Case(op("alpha_dropout"), (A(0, 3),), kwargs={"training": True}, name="empty",
         dtypes=F32),
    Case(inplace_flag("dropout2d"), (A(2, 2, 2, 1),), kwargs={"p": 1.0}, dtypes=F64),
    Case(inplace_flag("alpha_dropout"), (A(2, 3),), kwargs={"p": 1.0, "training": True},
         dtypes=F64),
]

# ------------------------------------------------------------ embedding
_emb = op("embedding")
_IDX = A(2, 3, values=[0, 4, 2, 2, 1, 4], dtype="int64")


def embedding_renorm_(lib, weight, indices, **kwargs):
    """F.embedding with max_norm: renormalises the used rows of weight in place (arg 0)."""
    return functional(lib).embedding(indices, weight, **kwargs), weight.detach().clone()


CASES += [
    Case(_emb, (_IDX, A(5, 3)), dtypes=FLOATS),
    Case(_emb, (_IDX, A(5, 3)), kwargs={"padding_idx": 2}, name="padding_idx", dtypes=GRADS),
    Case(_emb, (_IDX, A(5, 3)), kwargs={"padding_idx": -1}, name="padding_negative",
         dtypes=F64),
    Case(_emb, (_IDX, A(5, 3)), kwargs={"scale_grad_by_freq": True}, name="freq",
         dtypes=GRADS),
    Case(_emb, (_IDX, A(5, 3)), kwargs={"scale_grad_by_freq": True, "padding_idx": 4},
         name="freq_padding", dtypes=F64),
    Case(_emb, (A(4, values=[3, 0, 1, 3], dtype="int32"), A(4, 2)), name="int32_indices",
         dtypes=F64),
    Case(_emb, (A(values=[1], dtype="int64"), A(3, 2)), name="zero_dim", dtypes=F64),
    Case(_emb, (A(0, 2, dtype="int64"), A(3, 2)), name="empty", dtypes=F32),
    Case(_emb, (A(3, values=[2, 0, 2], dtype="int64"), A(3, 4, layout="transposed")),
         name="transposed", dtypes=F32),
    Case(_emb, (A(3, values=[2, 0, 1], dtype="int64"), A(3, 2)), name="int_weight",
         dtypes=("int64", "int32")),
    Case(embedding_renorm_, (A(5, 3), _IDX), kwargs={"max_norm": 1.0}, dtypes=GRADS),
    Case(embedding_renorm_, (A(5, 3), _IDX), kwargs={"max_norm": 1.5, "norm_type": 1.0},
         name="norm_type", dtypes=F64),
    Case(_emb, (A(2, values=[0, 5], dtype="int64"), A(5, 3)), name="out_of_range",
         dtypes=F32, error="IndexError"),
    Case(_emb, (A(2, values=[0, -1], dtype="int64"), A(5, 3)), name="negative_index",
         dtypes=F32, error="IndexError"),
    Case(_emb, (A(2), A(5, 3)), name="float_indices", dtypes=F32, error="RuntimeError"),
    Case(_emb, (A(2, values=[0, 1], dtype="int16"), A(5, 3)), name="int16_indices",
         dtypes=F32, error="RuntimeError"),
    Case(_emb, (A(2, values=[0, 1], dtype="int64"), A(5)), name="weight_1d", dtypes=F32,
         error="RuntimeError"),
    Case(_emb, (_IDX, A(5, 3)), kwargs={"padding_idx": 5}, name="bad_padding", dtypes=F32,
         error="AssertionError"),
]

# ------------------------------------------------------------ embedding_bag
_bag = op("embedding_bag")
_BAG_IDX = A(7, values=[0, 3, 2, 3, 1, 4, 0], dtype="int64")
_OFFSETS = A(4, values=[0, 2, 2, 5], dtype="int64")
_TIES = A(4, 2, values=[1.0, 5.0, 3.0, 2.0, 3.0, 5.0, float("nan"), 0.0])
for mode in ("sum", "mean", "max"):
    kw = {"mode": mode}
    CASES += [
        Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs=kw, name=mode,
             dtypes=("float32", "float64", "float16", "bfloat16")),
        Case(_bag, (A(2, 3, values=[1, 4, 0, 2, 2, 3], dtype="int64"), A(5, 3)), kwargs=kw,
             name=mode + "_2d", dtypes=GRADS),
        Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs=dict(kw, padding_idx=3),
             name=mode + "_padding", dtypes=F64),
        Case(_bag, (_BAG_IDX, A(5, 3), A(5, values=[0, 2, 2, 5, 7], dtype="int64")),
             kwargs=dict(kw, include_last_offset=True), name=mode + "_last_offset",
             dtypes=F64),
        Case(_bag, (A(6, values=[0, 1, 2, 1, 3, 0], dtype="int64"), _TIES,
                    A(3, values=[0, 3, 3], dtype="int64")), kwargs=kw,
             name=mode + "_ties_nan", dtypes=GRADS),
        Case(_bag, (A(3, values=[0, 2, 1], dtype="int32"), A(3, 4, layout="transposed"),
                    A(2, values=[0, 1], dtype="int32")), kwargs=kw, name=mode + "_int32",
             dtypes=F32),
    ]
CASES += [
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"mode": "sum",
                                                      "per_sample_weights": A(7)},
         name="per_sample_weights", dtypes=GRADS),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS),
         kwargs={"mode": "sum", "per_sample_weights": A(7), "padding_idx": 0},
         name="per_sample_weights_padding", dtypes=F64),
    Case(_bag, (A(2, 3, values=[1, 4, 0, 2, 2, 3], dtype="int64"), A(5, 3)),
         kwargs={"mode": "sum", "per_sample_weights": A(2, 3)}, name="per_sample_weights_2d",
         dtypes=F64),
    Case(_bag, (A(5, values=[0, 1, 2, 4, 4], dtype="int64"), A(5, 3),
                A(2, values=[0, 2], dtype="int64")),
         kwargs={"mode": "mean", "scale_grad_by_freq": True}, name="freq", dtypes=F64),
    Case(_bag, (A(0, dtype="int64"), A(5, 3), A(2, values=[0, 0], dtype="int64")),
         name="empty_input", dtypes=F32),
    # (PyTorch's backward crashes with no bags: forward only)
    Case(_bag, (_BAG_IDX, A(5, 3), A(0, dtype="int64")), name="no_bags", dtypes=F32,
         grad=False),
    Case(_bag, (_BAG_IDX, A(5, 3), A(2, values=[1, 3], dtype="int64")), name="bad_first",
         dtypes=F32, error="RuntimeError"),
    Case(_bag, (_BAG_IDX, A(5, 3), A(2, values=[0, 9], dtype="int64")), name="bad_last",
         dtypes=F32, error="RuntimeError"),
    Case(_bag, (A(2, values=[0, 5], dtype="int64"), A(5, 3), A(1, values=[0], dtype="int64")),
         name="out_of_range", dtypes=F32, error="RuntimeError"),
    Case(_bag, (_BAG_IDX, A(5, 3)), name="no_offsets", dtypes=F32, error="ValueError"),
    Case(_bag, (A(2, 3, values=[1, 4, 0, 2, 2, 3], dtype="int64"), A(5, 3), _OFFSETS),
         name="2d_with_offsets", dtypes=F32, error="ValueError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"mode": "median"}, name="bad_mode",
         dtypes=F32, error="ValueError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"mode": "max", "scale_grad_by_freq":
                                                      True}, name="max_freq", dtypes=F32,
         error="ValueError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"mode": "mean",
                                                      "per_sample_weights": A(7)},
         name="mean_weights", dtypes=F32, error="NotImplementedError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"per_sample_weights": A(6)},
         name="weights_shape", dtypes=F32, error="ValueError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), kwargs={"padding_idx": 5}, name="bad_padding",
         dtypes=F32, error="RuntimeError"),
    Case(_bag, (_BAG_IDX, A(5, 3), _OFFSETS), name="int_weight", dtypes=("int64",),
         error="RuntimeError"),
    Case(_bag, (A(7), A(5, 3), _OFFSETS), name="float_indices", dtypes=F32,
         error="RuntimeError"),
]

# ------------------------------------------------------------ bilinear
_bil = op("bilinear")
CASES += [
    Case(_bil, (A(2, 3), A(2, 2), A(4, 3, 2), A(4)), dtypes=FLOATS),
    Case(_bil, (A(3), A(2), A(2, 3, 2)), name="vectors_no_bias", dtypes=F64),
    Case(_bil, (A(2, 2, 3), A(2, 2, 2), A(2, 3, 2), A(2)), name="batched", dtypes=F64),
    Case(_bil, (A(3, 2, layout="transposed"), A(2, 2, layout="strided"), A(2, 3, 2), A(2)),
         name="layouts", dtypes=F32),
    Case(_bil, (A(0, 3), A(0, 2), A(2, 3, 2), A(2)), name="empty", dtypes=F32),
    Case(_bil, (A(2, 3), A(2, 2), A(4, 2, 2)), name="in1_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_bil, (A(2, 3), A(2, 2), A(4, 3, 3)), name="in2_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_bil, (A(2, 3), A(3, 2), A(4, 3, 2)), name="batch_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_bil, (A(2, 3), A(2, 1, 2), A(4, 3, 2)), name="rank_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_bil, (A(2, 3), A(2, 2), A(4, 3, 2), A(3)), name="bias_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_bil, (A(2, 3), A(2, 2, dtype="float64"), A(4, 3, 2)), name="dtype_mismatch",
         dtypes=F32, error="RuntimeError"),
]
