"""Exact weight arrays and float64 residue matrices against FLINT's exact and modular matrices."""

import json

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symmorse.exact import modular
from symmorse.exact.arrays import product, rational_entries, rational_matrix, weight_array
from symmorse.exact.modular import PRIMES, ResidueMatrix, matrix_field, modular_matrix, residue
from symmorse.kernel import check_certificate
from symmorse.model.activations import get_activation
from symmorse.search.certify import ChartPoint, certify, chart_derivatives

P = PRIMES[0]
#: Integers of every size the arrays meet: letters, fibre rows, beyond int64.
INTEGERS = st.one_of(st.integers(-4, 4), st.integers(-(2**62), 2**62), st.integers(-(2**90), 2**90))
RATIONALS = st.one_of(
    INTEGERS, st.fractions(max_denominator=10**6).map(lambda f: flint.fmpq(f.numerator, f.denominator))
)


def matrices(entries, max_side=6):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side)).flatmap(
        lambda shape: st.tuples(
            st.just(shape), st.lists(entries, min_size=shape[0] * shape[1], max_size=shape[0] * shape[1])
        )
    )


@settings(max_examples=200, deadline=None)
@given(matrices(RATIONALS), st.data())
def test_weight_arrays_keep_every_value_and_multiply_exactly(matrix, data):
    (rows, cols), entries = matrix
    M = weight_array(entries, rows, cols)
    assert rational_entries(M) == [flint.fmpq(a) for a in entries]
    small = all(flint.fmpq(a).q == 1 and abs(flint.fmpq(a)) < 2**62 for a in entries)  # integral fmpq too
    assert (M.dtype == np.int64) == small
    v = data.draw(st.lists(RATIONALS, min_size=cols, max_size=cols))
    v = [flint.fmpq(a) for a in v]
    expected = (
        flint.fmpq_mat(rows, cols, [flint.fmpq(a) for a in entries]) * flint.fmpq_mat(cols, 1, v)
    ).entries()
    assert product(M, v) == expected
    assert (
        product(M.T, product(M, v))
        == (rational_matrix(M).transpose() * flint.fmpq_mat(rows, 1, expected)).entries()
    )


def test_products_with_huge_vectors_and_wide_rows_are_exact():
    """Many limbs, a wide row and entries near the bound of the limb size."""
    rng = np.random.default_rng(1)
    M = weight_array(rng.integers(-(2**40), 2**40, (3, 700)).ravel().tolist(), 3, 700)
    v = [flint.fmpq(int(a) * 3**200 - 1, 2**90 + 5) for a in rng.integers(-9, 9, 700)]
    assert product(M, v) == (rational_matrix(M) * flint.fmpq_mat(700, 1, v)).entries()


def test_weight_arrays_refuse_what_is_not_exact():
    with pytest.raises(TypeError):
        weight_array([1, 0.5], 1, 2)
    with pytest.raises(TypeError):
        weight_array([1, True], 1, 2)
    with pytest.raises(ValueError):
        weight_array([1, 2, 3], 2, 2)


def residue_matrices(side):
    return st.lists(st.integers(0, P - 1), min_size=side * side, max_size=side * side)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.data())
def test_residue_matrices_compute_as_nmod_mat(n, data):
    A, B, C = (data.draw(residue_matrices(n)) for _ in range(3))
    RA, RB, RC = (ResidueMatrix.of(np.array(X).reshape(n, n), P) for X in (A, B, C))
    NA, NB, NC = (flint.nmod_mat(n, n, X, P) for X in (A, B, C))
    assert (RA * RB + RC).entries() == [int(a) for a in (NA * NB + NC).entries()]
    assert RA.transpose().entries() == [int(a) for a in NA.transpose().entries()]
    assert RA.det() == NA.det() and RA.rank() == NA.rank()
    factors = [flint.nmod(a, P) for a in data.draw(st.lists(st.integers(0, P - 1), min_size=n, max_size=n))]
    D = flint.nmod_mat(n, n, P)
    for i, f in enumerate(factors):
        D[i, i] = f
    assert RA.scale_rows(factors).entries() == [int(a) for a in (D * NA).entries()]


@pytest.mark.parametrize("exact_floats", [True, False])
def test_long_inner_dimensions_are_blocked_and_exact(monkeypatch, exact_floats):
    """Inner dimension 3 * 2^12 + 5 with every residue p - 1 (the worst case of the bound), and the
    int64 fallback the probe switches to when float products are not exact."""
    monkeypatch.setattr(modular, "_float_products_exact", lambda: exact_floats)
    inner = 3 * 2**12 + 5
    A = np.full((2, inner), P - 1)
    A[1, ::7] = 12345
    B = np.full((inner, 3), P - 1)
    got = (ResidueMatrix.of(A, P) * ResidueMatrix.of(B, P)).entries()
    expected = flint.nmod_mat(A.tolist(), P) * flint.nmod_mat(B.tolist(), P)
    assert got == [int(a) for a in expected.entries()]


def test_the_probe_finds_this_machines_float_products_exact():
    assert modular._float_products_exact()


def test_residues_of_rational_arrays_and_denominators_divisible_by_p():
    M = weight_array([flint.fmpq(1, 3), -2, 2**80], 1, 3)
    assert ResidueMatrix.of(M, P).entries() == [int(residue(a, P)) for a in rational_entries(M)]
    assert ResidueMatrix.of(M, P).entries() == [
        int(a) for a in modular_matrix(rational_matrix(M), P).entries()
    ]
    with pytest.raises(ZeroDivisionError):
        ResidueMatrix.of(weight_array([flint.fmpq(1, P)], 1, 1), P)
    with pytest.raises(ValueError):
        ResidueMatrix.zeros(1, 1, 2**61 - 1)


@pytest.mark.parametrize("p", [None, P, 2**61 - 1])
def test_chart_derivatives_agree_in_every_field(p):
    """The Hessian over GF(p) (float residues, or nmod_mat for a 61-bit prime) is the residue of the
    Hessian over Q."""
    cert = certify("3,5,4,1", "tanh")
    point = ChartPoint.from_json(cert.to_json()["branches"][0]["witness"])
    charts = {l: get_activation("tanh").chart for l in (1, 2)}
    exact = chart_derivatives(charts, point).hessian
    got = chart_derivatives(charts, point, modulus=p).hessian
    field = matrix_field(p)
    assert (
        [int(a) for a in got.entries()] == [int(a) for a in field.matrix(exact).entries()]
        if p
        else got == exact
    )


def test_a_certificate_with_a_61_bit_modulus_is_checked_by_nmod_mat():
    """Certificates from before the float route name 60-bit primes; they still check, and a wrong
    residue is still rejected."""
    data = json.loads(json.dumps(certify("3,5,4,1", "tanh").to_json()))
    branch = data["branches"][0]
    point = ChartPoint.from_json(branch["witness"])
    charts = {l: get_activation("tanh").chart for l in (1, 2)}
    q = 2**61 - 1
    branch["claims"] = {
        "modulus": q,
        "det_hessian_residue": int(chart_derivatives(charts, point, modulus=q).hessian.det()),
    }
    assert check_certificate(data).accepted
    branch["claims"]["det_hessian_residue"] = (branch["claims"]["det_hessian_residue"] + 1) % q
    result = check_certificate(data)
    assert not result.accepted and f"GF({q})" in result.reason


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([3, 7, 2**19 + 21, PRIMES[2], P]),
    st.lists(st.integers(0, 2**52 - 1), min_size=1, max_size=40),
)
def test_the_float_reduction_is_the_integer_remainder(p, values):
    x = np.array(values, dtype=np.float64)  # integers below 2^52 are exact doubles
    assert modular._reduce(x, p).astype(np.int64).tolist() == [a % p for a in values]


def test_output_weights_beyond_int64_are_checked_through_exact_objects():
    """Scaling w by 2^70 keeps the witness on its branch and its biases, and multiplies det Hess Phi
    by 2^(70 n0): the kernel (object arrays, residues entry by entry) accepts the new residue and
    rejects the old one."""
    data = json.loads(json.dumps(certify("3,5,4,1", "tanh").to_json()))
    branch = data["branches"][0]
    old = branch["claims"]["det_hessian_residue"]
    branch["witness"]["w"] = [a * 2**70 for a in branch["witness"]["w"]]
    point = ChartPoint.from_json(branch["witness"])
    assert point.w.dtype == object
    assert not check_certificate(data).accepted
    branch["claims"]["det_hessian_residue"] = old * pow(2, 70 * 3, P) % P
    assert check_certificate(data).accepted, check_certificate(data).reason
    charts = {l: get_activation("tanh").chart for l in (1, 2)}
    assert (
        int(chart_derivatives(charts, point, modulus=P).hessian.det())
        == branch["claims"]["det_hessian_residue"]
    )
