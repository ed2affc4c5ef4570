"""torsh.nn.functional normalization against torch.nn.functional: batch_norm, instance_norm,
layer_norm, group_norm, rms_norm, local_response_norm, normalize.

Training-mode batch_norm and instance_norm update running_mean / running_var in place: their
`*_stats` callables run on copies of the given estimates and return (output, new running_mean,
new running_var), so the updates are compared too.
"""
from . import INTS, A, Case
from ..spec import SPECIAL
from .nn_functional import op

F32_PARAMS = ("float16", "bfloat16")     # reduced-precision input beside float32 parameters


def stats_op(name: str):
    """name(lib, x, running_mean, running_var, *args, **kwargs) -> (y, mean', var')."""
    def call(lib, x, running_mean, running_var, *args, **kwargs):
        running_mean, running_var = running_mean.clone(), running_var.clone()
        y = op(name)(lib, x, running_mean, running_var, *args, **kwargs)
        return y, running_mean, running_var
    call.__name__ = name
    return call


def stats(channels: int, dtype=None):
    """running_mean (normal) and running_var (positive) of `channels` elements, no grad."""
    return (A(channels, grad=False, dtype=dtype),
            A(channels, domain="positive", grad=False, dtype=dtype))


batch_norm, batch_norm_stats = op("batch_norm"), stats_op("batch_norm")
instance_norm, instance_norm_stats = op("instance_norm"), stats_op("instance_norm")
layer_norm, group_norm, rms_norm = op("layer_norm"), op("group_norm"), op("rms_norm")
local_response_norm, normalize = op("local_response_norm"), op("normalize")
W3, B3 = A(3), A(3)
NO_NEGATIVE_ZERO = [v for v in SPECIAL if str(v) != "-0.0"]

CASES = [
    # ---- batch_norm
    Case(batch_norm_stats, (A(4, 3), *stats(3), W3, B3), {"training": True}, name="train"),
    Case(batch_norm_stats, (A(2, 3, 4), *stats(3)), {"training": True, "momentum": 0.5,
                                                     "eps": 1e-3}, name="train_kwargs",
         dtypes=("float32", "float64")),
    Case(batch_norm, (A(2, 3, 2, 2), None, None, W3), {"training": True},
         name="train_no_stats", dtypes=("float32", "float64")),
    Case(batch_norm, (A(2, 3, 2), *stats(3), W3, B3), name="eval"),
    Case(batch_norm, (A(2, 3), *stats(3)), {"training": False, "eps": 0.5}, name="eval_no_affine",
         dtypes=("float64",)),
    Case(batch_norm_stats, (A(4, 3, layout="transposed"), *stats(3), W3, B3),
         {"training": True}, name="transposed", dtypes=("float32",)),
    Case(batch_norm_stats, (A(2, 3, 4, layout="strided"), *stats(3)), {"training": True},
         name="strided", dtypes=("float64",)),
    Case(batch_norm, (A(3, 3, 2, layout="expanded"), None, None, W3, B3), {"training": True},
         name="expanded", dtypes=("float64",)),
    Case(batch_norm, (A(4, 3, layout="offset"), None, None), {"training": True},
         name="offset", dtypes=("float64",)),
    Case(batch_norm_stats, (A(4, 3), *stats(3, "float32"), A(3, dtype="float32"),
                            A(3, dtype="float32")), {"training": True}, name="f32_params",
         dtypes=F32_PARAMS),
    Case(batch_norm_stats, (A(0, 3), *stats(3)), {"training": True}, name="empty_batch",
         dtypes=("float32",)),
    Case(batch_norm, (A(2, 3, 0), *stats(3)), name="empty_eval", dtypes=("float32",)),
    Case(batch_norm, (A(4, 4, domain="special"), None, None), {"training": True},
         name="special", grad=False),
    Case(batch_norm, (A(1, 3), None, None), {"training": True}, name="one_value",
         dtypes=("float32",), error="ValueError"),
    Case(batch_norm, (A(2, 3), *stats(3)), name="int", dtypes=INTS, error="NotImplementedError"),
    Case(batch_norm, (A(2, 3), None, None), name="eval_without_stats", dtypes=("float32",),
         error="RuntimeError"),
    Case(batch_norm, (A(2, 3), *stats(4)), {"training": True}, name="stats_size",
         dtypes=("float32",), error="RuntimeError"),
    Case(batch_norm, (A(2, 3), *stats(3), A(4)), {"training": True}, name="weight_size",
         dtypes=("float32",), error="RuntimeError"),
    Case(batch_norm, (A(2, 3), *stats(3), A(3, dtype="float64")), name="mixed_dtype",
         dtypes=("float32",), error="RuntimeError"),
    Case(batch_norm, (A(2, 3), *stats(3, "float32")), name="double_f32_stats",
         dtypes=("float64",), error="RuntimeError"),
    Case(batch_norm, (A(2, 3), *stats(3)), {"eps": -1.0}, name="negative_eps",
         dtypes=("float32",), error="ValueError"),
    # ---- instance_norm
    Case(instance_norm, (A(2, 3, 4),), name="typical"),
    Case(instance_norm_stats, (A(2, 3, 4), *stats(3), W3, B3), {"momentum": 0.3},
         name="stats", dtypes=("float32", "float64")),
    Case(instance_norm_stats, (A(2, 3, 2, 2), *stats(3)), {"use_input_stats": False},
         name="running", dtypes=("float32", "float64")),
    Case(instance_norm, (A(2, 3, 4, layout="transposed"),), name="transposed",
         dtypes=("float32",)),
    Case(instance_norm, (A(2, 3, 1),), name="one_value", dtypes=("float32",),
         error="ValueError"),
    # ---- layer_norm
    Case(layer_norm, (A(2, 3, 4), (4,), A(4), A(4)), name="typical"),
    Case(layer_norm, (A(2, 3, 4), [3, 4], A(3, 4)), {"eps": 1e-2}, name="two_dims",
         dtypes=("float32", "float64")),
    Case(layer_norm, (A(3, 5), (5,)), name="no_affine", dtypes=("float32", "float64")),
    Case(layer_norm, (A(3, 4), (3, 4)), name="whole", dtypes=("float64",)),
    Case(layer_norm, (A(3, 4, layout="transposed"), (3,), A(3), A(3)), name="transposed",
         dtypes=("float32",)),
    Case(layer_norm, (A(3, 4, layout="expanded"), (4,)), name="expanded", dtypes=("float64",)),
    Case(layer_norm, (A(2, 4), (4,), A(4, dtype="float32"), A(4, dtype="float32")),
         name="f32_params", dtypes=F32_PARAMS),
    Case(layer_norm, (A(0, 4), (4,)), name="empty", dtypes=("float32",)),
    Case(layer_norm, (A(4, 4, domain="special"), (4,)), name="special", grad=False),
    Case(layer_norm, (A(2, 3), (2,)), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case(layer_norm, (A(2, 3), (3,), A(2)), name="weight_shape", dtypes=("float32",),
         error="RuntimeError"),
    Case(layer_norm, (A(2, 3), ()), name="empty_shape", dtypes=("float32",),
         error="RuntimeError"),
    Case(layer_norm, (A(2, 3), (3,)), name="int", dtypes=("int64",),
         error="NotImplementedError"),
    Case(layer_norm, (A(2, 3), (3,), A(3, dtype="float64")), name="mixed_dtype",
         dtypes=("float32",), error="RuntimeError"),
    # ---- group_norm
    Case(group_norm, (A(2, 6, 2), 3, A(6), A(6)), name="typical"),
    Case(group_norm, (A(2, 4), 2), {"eps": 1e-3}, name="two_dims", dtypes=("float32",
                                                                           "float64")),
    Case(group_norm, (A(2, 4, 2, 2), 1, A(4)), name="one_group", dtypes=("float64",)),
    Case(group_norm, (A(1, 4, 3), 4, None, A(4)), name="per_channel", dtypes=("float64",),
         grad=False, note="PyTorch's backward with a bias and no weight fails: 'tensor does "
                          "not have a device'"),
    Case(group_norm, (A(2, 4, 3, layout="transposed"), 2, A(4), A(4)), name="transposed",
         dtypes=("float32",)),
    Case(group_norm, (A(2, 4, 2), 2, A(4, dtype="float32"), A(4, dtype="float32")),
         name="f32_params", dtypes=F32_PARAMS),
    Case(group_norm, (A(0, 4, 2), 2), name="empty", dtypes=("float32",)),
    Case(group_norm, (A(2, 4, 2, values=NO_NEGATIVE_ZERO), 2), name="special", grad=False,
         note="PyTorch's float32 kernel gives -0.0 where its float64 one (and torsh) give 0.0"),
    Case(group_norm, (A(2, 6, 2), 4), name="indivisible", dtypes=("float32",),
         error="RuntimeError"),
    Case(group_norm, (A(6,), 3), name="one_dim", dtypes=("float32",), error="RuntimeError"),
    Case(group_norm, (A(1, 6), 6), name="one_value", dtypes=("float32",), error="ValueError"),
    Case(group_norm, (A(2, 6, 2), 3, A(5)), name="weight_size", dtypes=("float32",),
         error="RuntimeError"),
    Case(group_norm, (A(2, 4), 2), name="int", dtypes=("int64",), error="NotImplementedError"),
    # ---- rms_norm
    Case(rms_norm, (A(2, 3, 4), (4,), A(4)), name="typical"),
    Case(rms_norm, (A(2, 3, 4), [3, 4]), {"eps": 1e-3}, name="two_dims",
         dtypes=("float32", "float64")),
    Case(rms_norm, (A(3, 4, layout="transposed"), (3,), A(3)), name="transposed",
         dtypes=("float32",)),
    Case(rms_norm, (A(2, 4), (4,), A(4, dtype="float32")), name="f32_params",
         dtypes=F32_PARAMS, grad=False),
    Case(rms_norm, (A(2, 3, values=[0.0]), (3,)), name="zeros", dtypes=("float32", "float64")),
    Case(rms_norm, (A(4, 4, domain="special"), (4,)), name="special", grad=False),
    Case(rms_norm, (A(2, 3), (2,)), name="shape_mismatch", dtypes=("float32",),
         error="RuntimeError"),
    Case(rms_norm, (A(2, 3), (3,)), name="int", dtypes=("int64",),
         error="NotImplementedError"),
    # ---- local_response_norm
    Case(local_response_norm, (A(2, 5, 3), 3), name="typical"),
    Case(local_response_norm, (A(2, 4, 3, 2), 2), {"alpha": 0.1, "beta": 0.5, "k": 2.0},
         name="kwargs", dtypes=("float32", "float64")),
    Case(local_response_norm, (A(1, 3, 2, 2, 2), 4), {"alpha": 0.5}, name="five_dims",
         dtypes=("float64",)),
    Case(local_response_norm, (A(2, 4, 3, layout="transposed"), 3), name="transposed",
         dtypes=("float32",)),
    Case(local_response_norm, (A(0, 4, 3), 3), name="empty", dtypes=("float32",)),
    Case(local_response_norm, (A(2, 3), 3), name="two_dims", dtypes=("float32",),
         error="ValueError"),
    # ---- normalize
    Case(normalize, (A(2, 3),), name="typical"),
    Case(normalize, (A(3, 4),), {"p": 1.0, "dim": 0}, name="p1", dtypes=("float32", "float64")),
    Case(normalize, (A(2, 3, 2),), {"p": 3.0, "dim": -1, "eps": 0.5}, name="kwargs",
         dtypes=("float64",)),
    Case(normalize, (A(2, 3, values=[0.0, 0.0, 0.0, 1.0, -2.0, 2.0]),), name="zero_row",
         dtypes=("float32", "float64")),
    Case(normalize, (A(3, 4, layout="strided"),), name="strided", dtypes=("float32",)),
    Case(normalize, (A(4, 4, domain="special"),), name="special", grad=False),
]
