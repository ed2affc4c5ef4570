"""torsh.nn.utils: helpers around modules and parameters (gradient clipping, parameter
vectors, parametrizations, fusion) and the `rnn` submodule for packed sequences."""
