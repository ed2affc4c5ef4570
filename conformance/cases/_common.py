"""Pieces several case families share: the non-contiguous layouts, a row of tied values, and
a wrapper that compares only the values of a (values, indices) result."""
from . import A, Case

LAYOUTS = ("transposed", "strided", "expanded", "offset")
TIES = [1.0, 3.0, 3.0, -2.0, -2.0, 0.5, 3.0, -2.0, 0.0, 0.0, 0.0, 0.0]


def values_only(op):
    """Call op and keep the values: where PyTorch leaves the choice among ties unspecified."""
    def call(lib, x, *args, **kwargs):
        return getattr(lib, op)(x, *args, **kwargs).values
    call.__name__ = op
    return call


def layout_cases(op, *args, dtypes=("float32",), values=None, **kwargs):
    """The op on a 3x4 input in each non-contiguous layout, one case per layout."""
    return [Case(op, (A(3, 4, layout=layout, values=values),) + args, kwargs=dict(kwargs),
                 name=layout, dtypes=dtypes) for layout in LAYOUTS]
