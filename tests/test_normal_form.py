"""Normal form: exact rank factorisations keep Phi and expose bottlenecks."""

import random

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.exact.errors import WeightsError
from symmorse.exact.linalg import matrix, rank_factorization
from symmorse.model.network import Network
from symmorse.search.normal_form import normal_form


@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 5), st.integers(0, 10**6))
def test_rank_factorization_is_exact(n, m, r, seed):
    rng = random.Random(seed)
    r = min(r, n, m)
    A = matrix([[rng.randint(-3, 3) for _ in range(r)] for _ in range(n)], r)
    B = matrix([[rng.randint(-3, 3) for _ in range(m)] for _ in range(r)], m)
    M = A * B if r else matrix([[0] * m for _ in range(n)])
    C, R = rank_factorization(M)
    assert C * R == M and C.ncols() == R.nrows() == M.rank()


def rank_one_layers(seed):
    rng = random.Random(seed)
    a, b = [rng.randint(1, 3) for _ in range(3)], [rng.choice([-2, -1, 1, 2]) for _ in range(2)]
    W1 = [[ai * bj for bj in b] for ai in a]  # rank 1, 3 x 2
    return [{"W": W1, "b": [rng.randint(-2, 2) for _ in range(3)]}, {"W": [[1, -2, 3]], "b": [0]}]


def assert_same_phi(net, other, seed=0):
    """Phi of the two networks agrees to 50 digits at a few rational inputs (not trusting nf.unchanged)."""
    rng = random.Random(seed)
    for _ in range(3):
        point = [sympy.Rational(rng.randint(-30, 30), rng.randint(1, 9)) for _ in net.inputs]
        value = net.output.xreplace(dict(zip(net.inputs, point)))
        other_value = other.output.xreplace(dict(zip(other.inputs, point)))
        assert abs(sympy.N(value - other_value, 60)) < sympy.Rational(1, 10**50)


@given(st.integers(0, 10**6), st.sampled_from(["tanh", "sigmoid", "arctan"]))
def test_rank_drop_below_n0_gives_a_bottleneck_and_the_same_phi(seed, activation):
    net = Network("2,3,1", activation, rank_one_layers(seed))
    nf = normal_form(net)
    assert nf.ranks == [1, 1] and nf.inserted == [(1, 1)]
    assert nf.network.widths == [2, 1, 3, 1]
    assert nf.unchanged
    assert_same_phi(net, nf.network, seed)
    assert nf.classification.kind == "bottleneck"
    assert [b.kind for b in nf.classification.branches] == ["degenerate"]
    x = {s: sympy.Rational(seed % 7 - 3, 5) for s in net.inputs}
    assert abs(sympy.N((nf.network.output - net.output).xreplace(x), 50)) < 1e-45


def test_full_rank_networks_are_their_own_normal_form():
    layers = [{"W": [[1, 2], [3, 4], [5, 7]], "b": [0, 0, 0]}, {"W": [[1, 1, 1]], "b": [0]}]
    net = Network("2,3,1", "tanh", layers)
    nf = normal_form(net)
    assert nf.inserted == [] and nf.network.widths == [2, 3, 1] and nf.unchanged
    assert_same_phi(net, nf.network)


def test_deeper_rank_drop_inside_an_augmented_network():
    layers = [
        {"W": [[1, 0], [0, 1], [1, 1], [2, 1]], "b": [0, 1, 0, 1]},
        {"W": [[1, 1, 1, 1], [2, 2, 2, 2], [0, 0, 0, 0]], "b": [0, 0, 1]},  # rank 1
        {"W": [[1, 1, 1]], "b": [0]},
    ]
    net = Network("2,4,3,1", "tanh", layers)
    nf = normal_form(net)
    assert nf.network.widths == [2, 4, 1, 3, 1] and nf.unchanged
    assert_same_phi(net, nf.network)


def test_normal_form_errors():
    with pytest.raises(WeightsError, match="needs all weights"):
        normal_form(Network("2,3,1"))
    zero = [{"W": [[0, 0]] * 3, "b": [0, 0, 0]}, {"W": [[1, 1, 1]], "b": [0]}]
    with pytest.raises(WeightsError, match="constant"):
        normal_form(Network("2,3,1", "tanh", zero))
