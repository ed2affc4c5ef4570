"""torsh.nn.functional's losses and distances against torch.nn.functional's (the losses of
cases/nn_functional.py are extended here with N-d inputs and more keywords), plus the loss
and distance layers, called as `lib.nn.NAME(settings)(inputs)`."""
from . import A, Case
from .nn_functional import op

F32, F64 = ("float32",), ("float64",)
GRADS = ("float32", "float64")
HALVES = ("float16", "bfloat16")
SIGNS = [1.0, -1.0, -1.0, 1.0, 1.0, -1.0]        # ±1 targets
_NOGRAD = {"grad": False}


def sign_target(*shape, values=SIGNS):
    return A(*shape, values=values, grad=False)


def layer(name: str, *settings_keys, **settings):
    """The callable `name(lib, *inputs)` = lib.nn.name(**settings)(*inputs); tensor settings
    (weights) come as the trailing inputs named in settings_keys."""
    def call(lib, *args):
        inputs = args[:len(args) - len(settings_keys)]
        given = dict(zip(settings_keys, args[len(inputs):]), **settings)
        return getattr(lib.nn, name)(**given)(*inputs)
    call.__name__ = name
    return call


CASES = []

# ------------------------------------------------------------ cross_entropy and nll_loss, N-d
_nll, _ce = op("nll_loss"), op("cross_entropy")
_W3 = A(3, domain="positive", grad=False)
_T4D = A(2, 2, 2, values=[0, 2, -100, 1, 1, 1, 2, 0], dtype="int64")
CASES += [
    Case(_nll, (A(2, 3, 2, 2), _T4D, _W3), name="nd_weight_ignore", dtypes=GRADS),
    Case(_nll, (A(2, 3, 2, 2), _T4D), kwargs={"reduction": "none"}, name="nd_none",
         dtypes=F64),
    Case(_nll, (A(2, 3, 2, 2), _T4D, _W3), kwargs={"reduction": "sum"}, name="nd_sum",
         dtypes=F64),
    Case(_nll, (A(0, 3), A(0, dtype="int64")), name="empty_batch", dtypes=F64, grad=False),
    Case(_nll, (A(0, 3), A(0, dtype="int64")), kwargs={"reduction": "sum"},
         name="empty_batch_sum", dtypes=F64, grad=False),
    Case(_nll, (A(2, 3, layout="strided"), A(2, domain="index:3", dtype="int64")),
         name="strided", dtypes=F64),
    Case(_nll, (A(2, 3, 2), A(2, 3, domain="index:3", dtype="int64")), name="target_shape",
         dtypes=F32, error="RuntimeError"),
    Case(_ce, (A(2, 3, 2, 2), _T4D, _W3), kwargs={"label_smoothing": 0.15},
         name="nd_weight_ignore_smoothing", dtypes=GRADS),
    Case(_ce, (A(2, 3, 2, 2), _T4D), kwargs={"reduction": "none", "label_smoothing": 0.1},
         name="nd_none_smoothing", dtypes=F64),
    Case(_ce, (A(2, 3, 2, 2), _T4D, _W3), kwargs={"reduction": "sum",
                                                  "label_smoothing": 0.3},
         name="nd_sum_smoothing", dtypes=F64),
    Case(_ce, (A(2, 3, 2), A(2, 3, 2, domain="positive")), name="nd_probabilities",
         dtypes=GRADS),
    Case(_ce, (A(2, 3, 2), A(2, 3, 2, domain="positive"), _W3),
         kwargs={"reduction": "sum", "label_smoothing": 0.2},
         name="nd_probabilities_weight_smoothing", dtypes=F64),
    Case(_ce, (A(3, 2, layout="transposed"), A(3, domain="index:2", dtype="int64")),
         name="transposed", dtypes=F32),
    Case(_ce, (A(4, 3), A(4, domain="index:3", dtype="int64")), name="halves", dtypes=HALVES),
    Case(_ce, (A(4, 3), A(4, values=[0, 1, 0, 1], dtype="int64")),
         kwargs={"ignore_index": 0, "label_smoothing": 0.1}, name="ignore_class_smoothing",
         dtypes=F64),
    Case(_ce, (A(2, 3), A(2, 2)), name="probabilities_shape", dtypes=F32,
         error="RuntimeError"),
]

# ------------------------------------------------------------ binary, kl_div
_bce, _bcel, _kl = (op("binary_cross_entropy"), op("binary_cross_entropy_with_logits"),
                    op("kl_div"))
_PROBS = [0.1, 0.8, 0.35, 0.999, 0.5, 0.02]
_LABELS = [0.0, 1.0, 0.25, 1.0, 0.0, 0.6]
CASES += [
    Case(_bce, (A(2, 3, values=_PROBS), A(2, 3, values=_LABELS), A(2, 1, grad=False)),
         name="weight_broadcast", dtypes=GRADS),
    Case(_bce, (A(3, 2, values=_PROBS, layout="transposed"), A(3, 2, values=_LABELS)),
         kwargs={"reduction": "none"}, name="transposed", dtypes=F64),
    Case(_bcel, (A(2, 3, 2), A(2, 3, 2, values=_LABELS)),
         kwargs={"pos_weight": A(3, 1, domain="positive", grad=False)},
         name="pos_weight_nd", dtypes=GRADS),
    Case(_bcel, (A(2, 3), A(2, 3, values=_LABELS), A(3, grad=False)),
         kwargs={"pos_weight": A(3, domain="positive", grad=False), "reduction": "sum"},
         name="weight_pos_weight_sum", dtypes=F64),
    Case(_bcel, (A(2, 3), A(2, 3, values=_LABELS)), name="halves", dtypes=HALVES),
    Case(_kl, (A(2, 3, values=[-1.2, -0.4, -2.0, -0.1, -3.0, -0.7]), A(2, 3)),
         kwargs={"reduction": "batchmean", "log_target": True}, name="log_target_batchmean",
         dtypes=GRADS),
    Case(_kl, (A(2, 3), A(2, 3, domain="positive")), kwargs={"reduction": "mean"},
         name="mean", dtypes=F64),
    Case(_kl, (A(), A(domain="positive")), kwargs={"reduction": "batchmean"},
         name="zero_dim_batchmean", dtypes=F64),
    Case(_kl, (A(2, 3), A(2, 3)), kwargs={"reduction": "sum"}, name="integers",
         dtypes=("int64",), grad=False, error="RuntimeError"),
    Case(op("mse_loss"), (A(2, 3), A(2, 3)), name="integers", dtypes=("int64", "int32"),
         grad=False, error="NotImplementedError"),
    Case(op("mse_loss"), (A(2, 3), A(2, 3, dtype="float32")), name="int_float",
         dtypes=("int64",), grad=False),
]

# ------------------------------------------------------------ poisson and gaussian NLL
_poisson, _gauss = op("poisson_nll_loss"), op("gaussian_nll_loss")
_COUNTS = [0.0, 1.0, 3.0, 2.0, 0.5, 7.0]
CASES += [
    Case(_poisson, (A(2, 3), A(2, 3, values=_COUNTS)), dtypes=("float32", "float64",
                                                                "float16", "bfloat16")),
    Case(_poisson, (A(2, 3), A(2, 3, values=_COUNTS)), kwargs={"full": True,
                                                              "reduction": "none"},
         name="full", dtypes=GRADS),
    Case(_poisson, (A(2, 3, domain="positive"), A(2, 3, values=_COUNTS)),
         kwargs={"log_input": False, "reduction": "sum"}, name="rate", dtypes=GRADS),
    Case(_poisson, (A(2, 3, domain="positive"), A(2, 3, values=_COUNTS)),
         kwargs={"log_input": False, "full": True, "eps": 0.1}, name="rate_full_eps",
         dtypes=F64),
    Case(_poisson, (A(3, 2, layout="transposed"), A(2, layout="expanded")),
         name="broadcast_layouts", dtypes=F64),
    Case(_poisson, (A(), A(domain="positive")), name="zero_dim", dtypes=F64),
    Case(_poisson, (A(2, 3), A(2, 3)), kwargs={"reduction": "avg"}, name="bad_reduction",
         dtypes=F32, error="ValueError"),
    Case(_gauss, (A(2, 3), A(2, 3), A(2, 3, domain="positive")), dtypes=GRADS + HALVES),
    Case(_gauss, (A(2, 3), A(2, 3), A(2, domain="positive")),
         kwargs={"full": True, "reduction": "none"}, name="homoscedastic", dtypes=GRADS),
    Case(_gauss, (A(2, 3), A(2, 3), A(2, 1, domain="positive")),
         kwargs={"reduction": "sum"}, name="shared_var", dtypes=F64),
    Case(_gauss, (A(2, 3), A(2, 3), A(2, 3, values=[0.0, 1e-8, 0.5, 2.0, 1e-7, 3.0])),
         kwargs={"eps": 1e-4, "reduction": "none"}, name="clamped_var", dtypes=GRADS),
    Case(_gauss, (A(2, 3), A(2, 3), 0.5), name="float_var", dtypes=F64),
    Case(_gauss, (A(2, 3), A(2, 3), A(3, 2, domain="positive")), name="var_shape",
         dtypes=F32, error="ValueError"),
    Case(_gauss, (A(2, 3), A(2, 3), A(2, 3, values=[1.0, -1.0])), name="negative_var",
         dtypes=F32, error="ValueError"),
]

# ------------------------------------------------------------ margin and ranking losses
_ranking, _hinge, _soft = (op("margin_ranking_loss"), op("hinge_embedding_loss"),
                           op("soft_margin_loss"))
_cos_emb = op("cosine_embedding_loss")
CASES += [
    Case(_ranking, (A(6), A(6), sign_target(6)), dtypes=GRADS + HALVES),
    Case(_ranking, (A(2, 3), A(2, 3), sign_target(2, 3)),
         kwargs={"margin": 0.5, "reduction": "none"}, name="margin_none", dtypes=GRADS),
    Case(_ranking, (A(3, 2, layout="transposed"), A(3, 2, layout="strided"),
                    sign_target(3, 2)), kwargs={"reduction": "sum"}, name="layouts",
         dtypes=F64),
    Case(_ranking, (A(4), A(4), A(4, values=[1, -1, 1, -1], dtype="int64")),
         kwargs={"margin": 0.5, "reduction": "sum"}, name="integers", dtypes=("int64",),
         grad=False),
    Case(_ranking, (A(3), A(3), sign_target(1, 3)), name="ndim_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_hinge, (A(2, 3), sign_target(2, 3)), dtypes=GRADS + HALVES),
    Case(_hinge, (A(2, 3), sign_target(2, 3)), kwargs={"margin": 0.3, "reduction": "none"},
         name="margin_none", dtypes=GRADS),
    Case(_hinge, (A(2, 3), A(2, 3, values=[1.0, -1.0, 0.0, 2.0, -1.0, 1.0], grad=False)),
         kwargs={"reduction": "sum"}, name="other_targets", dtypes=F64),
    Case(_hinge, (A(6, domain="special"), sign_target(6)), kwargs={"reduction": "none"},
         name="special", dtypes=GRADS, grad=False),
    Case(_soft, (A(2, 3), sign_target(2, 3)), dtypes=GRADS + HALVES),
    Case(_soft, (A(2, 3, layout="strided"), sign_target(2, 3)), kwargs={"reduction": "none"},
         name="strided_none", dtypes=GRADS),
    Case(_soft, (A(6, values=[800.0, -800.0, 0.0, -0.0, 30.0, -30.0]), sign_target(6)),
         kwargs={"reduction": "none"}, name="extremes", dtypes=GRADS, grad=False),
    Case(_cos_emb, (A(3, 4), A(3, 4), sign_target(3)), dtypes=GRADS),
    Case(_cos_emb, (A(3, 4), A(3, 4), sign_target(3)), kwargs={"margin": 0.2,
                                                               "reduction": "none"},
         name="margin_none", dtypes=GRADS),
    Case(_cos_emb, (A(4), A(4), A(values=[-1.0], grad=False)), kwargs={"margin": -0.5},
         name="unbatched", dtypes=F64),
    Case(_cos_emb, (A(3, 4, layout="transposed"), A(3, 4, layout="offset"),
                    A(3, values=[1, -1, 0], dtype="int64")), kwargs={"reduction": "sum"},
         name="layouts_int_target", dtypes=F64),
    Case(_cos_emb, (A(2, 3, values=[0.0]), A(2, 3), sign_target(2)), name="zero_vector",
         dtypes=F64),
    Case(_cos_emb, (A(3), A(3), sign_target(1)), name="target_dims", dtypes=F32,
         error="RuntimeError"),
]

# ------------------------------------------------------------ class-score margin losses
_multi, _mlabel, _mlsoft = (op("multi_margin_loss"), op("multilabel_margin_loss"),
                            op("multilabel_soft_margin_loss"))
_T_MULTI = A(3, values=[2, 0, 3], dtype="int64")
_T_LABELS = A(3, 4, values=[3, 0, -1, 1, 1, -1, 2, 0, 0, 1, 2, 3], dtype="int64")
CASES += [
    # PyTorch's CPU kernels of the two margin losses lack float16 and bfloat16 (its CUDA
    # kernels have them); torsh computes them in every floating dtype.
    Case(_multi, (A(3, 4), _T_MULTI), dtypes=GRADS),
    Case(_multi, (A(3, 4), _T_MULTI), kwargs={"p": 2, "margin": 0.5, "reduction": "none"},
         name="p2_margin", dtypes=GRADS),
    Case(_multi, (A(3, 4), _T_MULTI), kwargs={"weight": A(4, domain="positive", grad=False),
                                              "reduction": "sum"},
         name="weight", dtypes=GRADS),
    Case(_multi, (A(3, 4), _T_MULTI), kwargs={"weight": A(4, domain="positive", grad=False),
                                              "p": 2},
         name="weight_p2", dtypes=F64),
    Case(_multi, (A(4), A(values=[1], dtype="int64")), kwargs={"reduction": "none"},
         name="unbatched", dtypes=F64),
    Case(_multi, (A(4, 3, layout="transposed"), A(4, domain="index:3", dtype="int64")),
         name="transposed", dtypes=F64),
    Case(_multi, (A(3, 4), _T_MULTI), kwargs={"p": 3}, name="bad_p", dtypes=F32,
         error="ValueError"),
    Case(_multi, (A(3, 4), A(3, values=[0, 4, 1], dtype="int64")), name="target_range",
         dtypes=F32, error="RuntimeError"),
    Case(_multi, (A(3, 4), A(2, values=[0, 1], dtype="int64")), name="target_size",
         dtypes=F32, error="RuntimeError"),
    Case(_mlabel, (A(3, 4), _T_LABELS), dtypes=GRADS),
    Case(_mlabel, (A(3, 4), _T_LABELS), kwargs={"reduction": "none"}, name="none",
         dtypes=GRADS),
    Case(_mlabel, (A(4), A(4, values=[2, 2, 0, -1], dtype="int64")), kwargs={"reduction":
                                                                             "sum"},
         name="unbatched_repeat", dtypes=F64),
    Case(_mlabel, (A(3, 4, layout="strided"), _T_LABELS), name="strided", dtypes=F64),
    Case(_mlabel, (A(3, 4), A(3, 4, values=[4, -1, 0, 0], dtype="int64")),
         name="target_range", dtypes=F32, error="RuntimeError"),
    Case(_mlabel, (A(3, 4), A(3, values=[0, -1, 0], dtype="int64")), name="target_shape",
         dtypes=F32, error="RuntimeError"),
    Case(_mlsoft, (A(3, 4), A(3, 4, domain="bool", grad=False)), dtypes=GRADS + HALVES),
    Case(_mlsoft, (A(3, 4), A(3, 4, values=[0.0, 1.0, 0.3], grad=False)),
         kwargs={"weight": A(4, domain="positive", grad=False), "reduction": "none"},
         name="weight_none", dtypes=GRADS),
    Case(_mlsoft, (A(4, 3, layout="transposed"), A(4, 3, domain="bool")),
         kwargs={"reduction": "sum"}, name="transposed_sum", dtypes=F64),
    Case(_mlsoft, (A(4), A(4, domain="bool")), name="unbatched", dtypes=F64),
]

# ------------------------------------------------------------ distances, triplets
_cos, _pair, _pdist = op("cosine_similarity"), op("pairwise_distance"), op("pdist")
_triplet, _triplet_d = op("triplet_margin_loss"), op("triplet_margin_with_distance_loss")


def triplet_margin_with_distance_loss(lib, a, p, n, **kwargs):
    """With a cosine distance 1 - cos(x1, x2) given as distance_function."""
    cos = lib.nn.functional.cosine_similarity
    return lib.nn.functional.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x1, x2: 1 - cos(x1, x2), **kwargs)


CASES += [
    Case(_cos, (A(3, 4), A(3, 4)), dtypes=GRADS + HALVES),
    Case(_cos, (A(2, 3, 2), A(3, 1)), kwargs={"dim": -2}, name="broadcast_dim", dtypes=GRADS),
    Case(_cos, (A(2, 3, values=[0.0, 0.0, 0.0, 1e-9, 0.0, 0.0]), A(2, 3)),
         name="tiny_norms", dtypes=GRADS),
    Case(_cos, (A(2, 3), A(2, 3)), kwargs={"eps": 10.0}, name="large_eps", dtypes=F64),
    Case(_cos, (A(3, 4, layout="transposed"), A(3, 4, layout="expanded")), kwargs={"dim": 0},
         name="layouts", dtypes=F64),
    Case(_cos, (A(4), A(4)), kwargs={"dim": 0}, name="vectors", dtypes=F64),
    Case(_cos, (A(0, 3), A(0, 3)), name="empty", dtypes=F32, grad=False),
    Case(_cos, (A(2, 3, dtype="int64"), A(2, 3, dtype="int64")), name="integers",
         dtypes=("int64",), grad=False, error="RuntimeError"),
    Case(_pair, (A(3, 4), A(3, 4)), dtypes=GRADS + HALVES),
    Case(_pair, (A(3, 4), A(4)), kwargs={"p": 1.0, "keepdim": True}, name="p1_keepdim",
         dtypes=GRADS),
    Case(_pair, (A(3, 4), A(3, 4)), kwargs={"p": 3.0, "eps": 0.0}, name="p3_no_eps",
         dtypes=GRADS),
    Case(_pair, (A(3, 4), A(3, 4)), kwargs={"p": float("inf")}, name="p_inf", dtypes=F64),
    Case(_pair, (A(2, 3, values=[1.0, 2.0, 3.0]), A(2, 3, values=[1.0, 2.0, 3.0])),
         kwargs={"eps": 0.0}, name="zero_distance", dtypes=GRADS),
    Case(_pair, (A(3, 4, layout="strided"), A(3, 4, layout="offset")), name="layouts",
         dtypes=F64),
    Case(_pair, (A(4), A(4)), name="vectors", dtypes=F64),
    Case(_pdist, (A(4, 3),), dtypes=GRADS),
    Case(_pdist, (A(4, 3),), kwargs={"p": 1}, name="p1", dtypes=GRADS),
    Case(_pdist, (A(3, 2),), kwargs={"p": 3.5}, name="p3_5", dtypes=F64),
    Case(_pdist, (A(3, 2),), kwargs={"p": float("inf")}, name="p_inf", dtypes=F64),
    Case(_pdist, (A(3, 2, values=[1.0, 2.0, 1.0, 2.0, 0.0, 5.0]),), name="zero_distance",
         dtypes=GRADS),
    Case(_pdist, (A(4, 3, layout="transposed"),), name="transposed", dtypes=F64),
    Case(_pdist, (A(1, 3),), name="one_row", dtypes=F64, grad=False),
    Case(_pdist, (A(3, 0),), name="no_columns", dtypes=F64, grad=False),
    Case(_pdist, (A(4),), name="vector", dtypes=F32, error="RuntimeError"),
    Case(_triplet, (A(3, 4), A(3, 4), A(3, 4)), dtypes=GRADS),
    Case(_triplet, (A(3, 4), A(3, 4), A(3, 4)), kwargs={"margin": 2.0, "p": 1, "swap": True,
                                                         "reduction": "none"},
         name="swap_p1", dtypes=GRADS),
    Case(_triplet, (A(4), A(4), A(4)), kwargs={"eps": 0.1, "reduction": "sum"},
         name="unbatched_eps", dtypes=F64),
    Case(_triplet, (A(3, 4), A(3, 4), A(4)), name="ndim_mismatch", dtypes=F32,
         error="RuntimeError"),
    Case(_triplet, (A(3, 4), A(3, 4), A(3, 4)), kwargs={"margin": 0.0}, name="bad_margin",
         dtypes=F32, error="ValueError"),
    Case(_triplet_d, (A(3, 4), A(3, 4), A(3, 4)), dtypes=GRADS),
    Case(_triplet_d, (A(3, 4), A(3, 4), A(3, 4)), kwargs={"swap": True, "margin": 3.0,
                                                           "reduction": "none"},
         name="swap", dtypes=F64),
    Case(triplet_margin_with_distance_loss, (A(3, 4), A(3, 4), A(3, 4)),
         kwargs={"margin": 0.5}, name="cosine_distance", dtypes=GRADS),
    Case(_triplet_d, (A(3, 4), A(3, 4), A(3, 4)), kwargs={"reduction": "avg"},
         name="bad_reduction", dtypes=F32, error="ValueError"),
]

# ------------------------------------------------------------ ctc_loss
_ctc = op("ctc_loss")


def ctc_of_logits(lib, logits, *args, **kwargs):
    """ctc_loss on log_softmax(logits) over the class dim, as models use it."""
    functional = lib.nn.functional
    return functional.ctc_loss(functional.log_softmax(logits, -1), *args, **kwargs)


ctc_of_logits.__name__ = "ctc_loss"


def _lengths(*values):
    return A(len(values), values=values, dtype="int64", grad=False)


_PADDED = A(2, 3, values=[1, 2, 2, 3, 1, 0], dtype="int64", grad=False)
_JOINED = A(4, values=[1, 2, 2, 1], dtype="int64", grad=False)
CASES += [
    Case(ctc_of_logits, (A(5, 2, 4), _PADDED, _lengths(5, 4), _lengths(3, 2)),
         name="logits", dtypes=GRADS),
    Case(ctc_of_logits, (A(5, 2, 4), _PADDED, _lengths(5, 4), _lengths(3, 2)),
         kwargs={"reduction": "none"}, name="logits_none", dtypes=GRADS),
    Case(_ctc, (A(5, 2, 4), _PADDED, _lengths(5, 4), _lengths(3, 2)),
         kwargs={"reduction": "sum"}, name="raw_sum", dtypes=F64),
    Case(ctc_of_logits, (A(5, 2, 4), _JOINED, _lengths(5, 5), _lengths(3, 1)),
         kwargs={"blank": 3}, name="concatenated_blank", dtypes=GRADS),
    Case(ctc_of_logits, (A(5, 2, 4), _JOINED, (5, 3), (2, 2)), name="length_tuples",
         dtypes=F64),
    Case(ctc_of_logits, (A(4, 3), A(2, values=[1, 2], dtype="int64", grad=False),
                         A(values=[4], dtype="int64", grad=False),
                         A(values=[2], dtype="int64", grad=False)),
         kwargs={"reduction": "none"}, name="unbatched", dtypes=F64),
    Case(ctc_of_logits, (A(3, 2, 4), A(2, 3, values=[1, 1, 2, 3, 0, 0], dtype="int64",
                                        grad=False), _lengths(3, 0), _lengths(3, 0)),
         kwargs={"reduction": "none"}, name="impossible_and_empty", dtypes=F64, grad=False),
    Case(ctc_of_logits, (A(3, 2, 4), A(2, 3, values=[1, 1, 2, 3, 0, 0], dtype="int64",
                                        grad=False), _lengths(3, 3), _lengths(3, 0)),
         kwargs={"zero_infinity": True}, name="zero_infinity", dtypes=GRADS),
    Case(ctc_of_logits, (A(4, 2, 3, layout="strided"), A(2, 2, values=[1, 2, 2, 2],
                                                          dtype="int64", grad=False),
                         _lengths(4, 4), _lengths(2, 2)),
         name="strided", dtypes=F64),
    Case(ctc_of_logits, (A(4, 2, 3), A(2, 3, values=[2, -1, -1, 1, 1, -1], dtype="int64",
                                        grad=False), _lengths(4, 3), _lengths(1, 2)),
         kwargs={"reduction": "none"}, name="padding_minus_one", dtypes=F64),
    Case(_ctc, (A(3, 2, 4), _PADDED, _lengths(4, 3), _lengths(3, 2)), name="input_too_long",
         dtypes=F32, error="RuntimeError"),
    Case(_ctc, (A(3, 2, 4), _PADDED, _lengths(3, 3, 3), _lengths(3, 2)),
         name="lengths_size", dtypes=F32, error="RuntimeError"),
    Case(_ctc, (A(3, 2, 4), _PADDED, _lengths(3, 3), _lengths(3, 2)), kwargs={"blank": 4},
         name="blank_range", dtypes=F32, error="RuntimeError"),
    Case(_ctc, (A(3, 2, 4), _JOINED, _lengths(3, 3), _lengths(3, 2)),
         name="concatenated_size", dtypes=F32, error="RuntimeError"),
]

# ------------------------------------------------------------ the layers
CASES += [
    Case(layer("CrossEntropyLoss", "weight", label_smoothing=0.1, ignore_index=1),
         (A(4, 3), A(4, domain="index:3", dtype="int64"), _W3), dtypes=GRADS),
    Case(layer("NLLLoss", "weight", reduction="sum"),
         (A(4, 3), A(4, domain="index:3", dtype="int64"), _W3), dtypes=F64),
    Case(layer("L1Loss"), (A(2, 3), A(2, 3)), dtypes=F64),
    Case(layer("MSELoss", reduction="sum"), (A(2, 3), A(2, 3)), dtypes=F64),
    Case(layer("SmoothL1Loss", beta=0.5), (A(2, 3), A(2, 3)), dtypes=F64),
    Case(layer("HuberLoss", delta=0.5), (A(2, 3), A(2, 3)), dtypes=F64),
    Case(layer("BCELoss", "weight"), (A(2, 3, values=_PROBS), A(2, 3, values=_LABELS),
                                      A(3, domain="positive", grad=False)), dtypes=F64),
    Case(layer("BCEWithLogitsLoss", "pos_weight"),
         (A(2, 3), A(2, 3, values=_LABELS), A(3, domain="positive", grad=False)),
         dtypes=F64),
    Case(layer("KLDivLoss", reduction="batchmean", log_target=True), (A(2, 3), A(2, 3)),
         dtypes=F64),
    Case(layer("PoissonNLLLoss", full=True), (A(2, 3), A(2, 3, values=_COUNTS)),
         dtypes=F64),
    Case(layer("GaussianNLLLoss", full=True), (A(2, 3), A(2, 3), A(2, 3, domain="positive")),
         dtypes=F64),
    Case(layer("CosineEmbeddingLoss", margin=0.1), (A(3, 4), A(3, 4), sign_target(3)),
         dtypes=F64),
    Case(layer("MarginRankingLoss", margin=0.2), (A(4), A(4), sign_target(4)), dtypes=F64),
    Case(layer("HingeEmbeddingLoss", margin=0.5), (A(2, 3), sign_target(2, 3)), dtypes=F64),
    Case(layer("SoftMarginLoss"), (A(2, 3), sign_target(2, 3)), dtypes=F64),
    Case(layer("MultiLabelSoftMarginLoss", "weight"),
         (A(3, 4), A(3, 4, domain="bool"), A(4, domain="positive", grad=False)), dtypes=F64),
    Case(layer("MultiLabelMarginLoss"), (A(3, 4), _T_LABELS), dtypes=F64),
    Case(layer("MultiMarginLoss", "weight", p=2, margin=0.7),
         (A(3, 4), _T_MULTI, A(4, domain="positive", grad=False)), dtypes=F64),
    Case(layer("TripletMarginLoss", p=1.0, swap=True), (A(3, 4), A(3, 4), A(3, 4)),
         dtypes=F64),
    Case(layer("TripletMarginWithDistanceLoss", margin=0.5), (A(3, 4), A(3, 4), A(3, 4)),
         dtypes=F64),
    Case(layer("CTCLoss", zero_infinity=True),
         (A(5, 2, 4), _PADDED, _lengths(5, 4), _lengths(3, 2)), dtypes=F64),
    Case(layer("CosineSimilarity", dim=0), (A(3, 2), A(3, 2)), dtypes=F64),
    Case(layer("PairwiseDistance", p=1.0, keepdim=True), (A(3, 2), A(3, 2)), dtypes=F64),
]
