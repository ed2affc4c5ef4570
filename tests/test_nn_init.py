"""torsh.nn.init: gains, fan computation, and each initialiser's shape, range and statistics
(fixed seeds; sample moments checked against the distribution's within loose bounds)."""
import math

import pytest

import torsh
from torsh.nn import init


def _stats(t):
    values = t.flatten().tolist()
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    return values, mean, std


def test_calculate_gain():
    for name in ("linear", "conv2d", "conv_transpose3d", "sigmoid"):
        assert init.calculate_gain(name) == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == 0.75
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope"):
        init.calculate_gain("leaky_relu", "x")


def test_fan_in_and_fan_out():
    fan = init._calculate_fan_in_and_fan_out
    assert fan(torsh.empty(4, 3)) == (3, 4)
    assert fan(torsh.empty(8, 2, 3, 5)) == (30, 120)
    assert fan(torsh.empty(6, 4, 7)) == (28, 42)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fan(torsh.empty(5))
    assert init._calculate_correct_fan(torsh.empty(8, 2, 3), "fan_out") == 24
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init._calculate_correct_fan(torsh.empty(2, 2), "fan_avg")


def test_in_place_and_no_grad():
    w = torsh.empty(3, 4, requires_grad=True)
    assert init.zeros_(w) is w and w.tolist() == [[0.0] * 4] * 3
    assert w.is_leaf and w.grad_fn is None
    assert init.ones_(w) is w and w.sum().item() == 12.0
    assert init.constant_(w, -2.5).tolist() == [[-2.5] * 4] * 3
    for fn in (init.uniform_, init.normal_, init.xavier_uniform_, init.kaiming_normal_,
               init.trunc_normal_, init.orthogonal_, init.eye_):
        assert fn(w) is w and w.is_leaf and w.shape == (3, 4)


def test_uniform_and_normal_statistics():
    torsh.manual_seed(0)
    values, mean, std = _stats(init.uniform_(torsh.empty(2000), -1.0, 3.0))
    assert min(values) >= -1.0 and max(values) < 3.0
    assert mean == pytest.approx(1.0, abs=0.1)
    assert std == pytest.approx(4 / math.sqrt(12), rel=0.05)
    _, mean, std = _stats(init.normal_(torsh.empty(2000), 2.0, 0.5))
    assert mean == pytest.approx(2.0, abs=0.05) and std == pytest.approx(0.5, rel=0.05)


def test_generator_makes_init_reproducible():
    a = init.kaiming_uniform_(torsh.empty(4, 3), generator=torsh.Generator().manual_seed(7))
    b = init.kaiming_uniform_(torsh.empty(4, 3), generator=torsh.Generator().manual_seed(7))
    assert a.tolist() == b.tolist()


def test_trunc_normal_range_and_statistics():
    torsh.manual_seed(1)
    values, mean, std = _stats(init.trunc_normal_(torsh.empty(2000), mean=1.0, std=2.0,
                                                  a=-1.0, b=3.0))
    assert min(values) >= -1.0 and max(values) <= 3.0
    # N(1, 4) truncated to +-1 std: mean 1, std = 2 * sqrt(1 - 2 phi(1) / (2 Phi(1) - 1))
    phi = math.exp(-0.5) / math.sqrt(2 * math.pi)
    big_phi = (1 + math.erf(1 / math.sqrt(2))) / 2
    expected_std = 2 * math.sqrt(1 - 2 * phi / (2 * big_phi - 1))
    assert mean == pytest.approx(1.0, abs=0.06)
    assert std == pytest.approx(expected_std, rel=0.05)


def test_xavier_statistics():
    torsh.manual_seed(2)
    w = torsh.empty(40, 60)
    values, _, std = _stats(init.xavier_uniform_(w, gain=2.0))
    bound = 2.0 * math.sqrt(6 / 100)
    assert max(abs(v) for v in values) <= bound
    assert std == pytest.approx(bound / math.sqrt(3), rel=0.05)
    _, mean, std = _stats(init.xavier_normal_(w))
    assert mean == pytest.approx(0.0, abs=0.01) and std == pytest.approx(math.sqrt(0.02), rel=0.05)


def test_kaiming_statistics():
    torsh.manual_seed(3)
    w = torsh.empty(50, 10, 2, 2)                        # fan_in 40, fan_out 200
    values, _, std = _stats(init.kaiming_uniform_(w, nonlinearity="relu"))
    bound = math.sqrt(2) * math.sqrt(3 / 40)
    assert max(abs(v) for v in values) <= bound
    assert std == pytest.approx(bound / math.sqrt(3), rel=0.05)
    _, mean, std = _stats(init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu"))
    assert mean == pytest.approx(0.0, abs=0.01)
    assert std == pytest.approx(math.sqrt(2 / 200), rel=0.05)
    _, _, std = _stats(init.kaiming_uniform_(w, a=math.sqrt(5)))     # Linear's default
    assert std == pytest.approx(1 / math.sqrt(40) / math.sqrt(3), rel=0.05)
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(torsh.empty(0, 3))


def test_eye_and_dirac():
    assert init.eye_(torsh.empty(2, 3)).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(torsh.empty(2, 2, 2))
    w = init.dirac_(torsh.empty(2, 3, 3))
    assert w.tolist() == [[[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
                          [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]]
    w = init.dirac_(torsh.empty(4, 1, 2, 2), groups=2)       # centre index 1 of size 2
    flat = w.reshape(4, 4).tolist()
    assert flat == [[0, 0, 0, 1.0], [0, 0, 0, 0], [0, 0, 0, 1.0], [0, 0, 0, 0]]
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(torsh.empty(2, 2))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(torsh.empty(3, 1, 1), groups=2)


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (2, 3, 2)])
def test_orthogonal_is_orthonormal(shape):
    torsh.manual_seed(4)
    w = init.orthogonal_(torsh.empty(*shape, dtype=torsh.float64), gain=3.0)
    rows = shape[0]
    m = w.reshape(rows, -1) / 3.0
    gram = m @ m.mT if rows <= m.shape[1] else m.mT @ m
    n = gram.shape[0]
    eye = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    assert all(abs(a - b) < 1e-12 for ra, rb in zip(gram.tolist(), eye) for a, b in zip(ra, rb))
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(torsh.empty(3))


def test_orthogonal_matches_qr_with_positive_diagonal():
    # columns (3, 4), (1, 2): q1 = (0.6, 0.8); (1, 2) - 2.2 q1 = (-0.32, 0.24), norm 0.4 = R22 > 0
    basis = init._gram_schmidt([[3.0, 4.0], [1.0, 2.0]])
    assert basis[0] == pytest.approx([0.6, 0.8]) and basis[1] == pytest.approx([-0.8, 0.6])


def test_sparse():
    torsh.manual_seed(5)
    w = init.sparse_(torsh.empty(10, 4), sparsity=0.3, std=0.5)
    columns = list(zip(*w.tolist()))
    assert all(sum(v == 0.0 for v in column) >= 3 for column in columns)
    assert sum(v != 0.0 for column in columns for v in column) >= 24
    with pytest.raises(ValueError, match="2 dimensions"):
        init.sparse_(torsh.empty(2, 2, 2), 0.5)
