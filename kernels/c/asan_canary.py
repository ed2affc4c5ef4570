"""Proves that `make test-asan` really runs under AddressSanitizer: calls a kernel directly
through cffi (bypassing the Python-side checks) with an output buffer one element short.
Under the sanitizer build this must abort with an AddressSanitizer report (a buffer
overflow; a vector store across the end is reported as an unknown crash); the Makefile
checks that it does."""
import numpy as np

from torsh.backends.c import C_BACKEND as C

assert C.is_available(), C.unavailable_reason()
x = np.ones(4096, dtype=np.float32)
out = np.empty(4095, dtype=np.float32)          # one short: the kernel writes 4096
shape = C.ffi.new("int64_t[]", [4096])
strides = C.ffi.new("int64_t[]", [1])
C.lib.torsh_unary_f32(C.lib.TORSH_EXP, 1, shape, C.ffi.from_buffer("float[]", out),
                      C.ffi.from_buffer("float[]", x), strides)
print("no sanitizer report: the overflow went unnoticed")
