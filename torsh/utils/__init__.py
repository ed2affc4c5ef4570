"""torsh.utils: helpers around the tensor library, as torch.utils (for now only `data`).

Nothing here defines an op; the subpackages build on torsh's public API only.
"""
from . import data  # noqa: F401
