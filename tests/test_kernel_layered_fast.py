"""The layered kernel's fast readings agree with its careful ones, and its layered route needs no SymPy."""

import importlib
import json
import subprocess
import sys

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symmorse.exact.arrays import rational_entries, weight_array
from symmorse.exact.errors import CertificateError
from symmorse.kernel import FORMATS, check_certificate
from symmorse.kernel.base import Rejected, chart, check_biases, number, symbolic
from symmorse.kernel.layered import _biases_match, _matrix
from symmorse.kernel.reader import Rationals
from symmorse.search.certify import certify

#: Texts that look like numbers to Python's int() or to a regex, but not all to the strict reader.
HOSTILE = [
    "3",
    "-3",
    "007",
    "-0",
    " 3",
    "3 ",
    "+3",
    "1_000",
    "1,2",
    "٣",
    "3/4",
    "3/0",
    "-1/07",
    "0.5",
    "",
    "x",
]
ENTRIES = st.one_of(st.sampled_from(HOSTILE), st.integers(-(10**20), 10**20), st.booleans(), st.none())


def careful(data, shape, where):
    """The entry-by-entry reading (the reference): a matrix of number() values, or the rejection."""
    rows, cols = shape
    return [[number(a, f"{where}[{i}][{j}]") for j, a in enumerate(r)] for i, r in enumerate(data)]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_bulk_matrix_reading_is_the_entrywise_reading(rows, cols, data):
    entries = data.draw(
        st.lists(st.lists(ENTRIES, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    )
    try:
        expected = careful(entries, (rows, cols), "W")
    except Rejected as exc:
        with pytest.raises(Rejected) as got:
            _matrix(entries, (rows, cols), "W")
        assert str(got.value) == str(exc)
        return
    assert [rational_entries(row) for row in _matrix(entries, (rows, cols), "W")] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(ENTRIES, min_size=1, max_size=5))
def test_bulk_rational_lists_accept_what_each_entry_accepts(entries):
    from symmorse.kernel.reader import Rational

    def accepted(check) -> bool:
        try:
            check()
        except CertificateError:
            return False
        return True

    each = all(accepted(lambda a=a: Rational().check(a, "x")) for a in entries)
    assert accepted(lambda: Rationals().check(entries, "x")) == each


def test_every_format_names_its_kernel_module():
    for fmt in FORMATS:
        module = importlib.import_module(FORMATS[fmt].__module__)
        assert fmt == module.FORMAT


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "poly:z**3/3 + z"])
def test_true_biases_are_read_term_by_term(activation):
    """The fast bias reading accepts true certificates itself (the SymPy route is not needed)."""
    data = json.loads(json.dumps(certify("3,5,2,4,1", activation).to_json()))
    from symmorse.kernel import layered

    charts = {l: chart(activation) for l in range(1, 4)}
    ws = data["architecture"]["widths"]
    for branch in data["branches"]:
        if branch["status"] != "witness":
            continue
        wit = branch["witness"]
        Ws = {l: layered._matrix(wit["W"][str(l)], (ws[l], ws[l - 1]), "W") for l in range(1, 4)}
        Ws[4] = layered._matrix([wit["w"]], (1, ws[3]), "w")
        u = {l: [flint.fmpq(a) for a in wit["u"][str(l)]] for l in range(1, 4)}
        x = [flint.fmpq(a) for a in wit["x"]]
        assert _biases_match(ws, charts, Ws, u, x, wit["biases"])
        wit["biases"]["2"][0] = wit["biases"]["2"][0] + " + 1/7" if "(" in wit["biases"]["2"][0] else "1/7"
        assert not _biases_match(ws, charts, Ws, u, x, wit["biases"])


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["tanh", "sigmoid", "softplus"]),
    st.integers(1, 31),
    st.integers(-4, 4),
    st.fractions(-2, 2, max_denominator=8),
    st.data(),
)
def test_a_bias_read_term_by_term_is_one_the_sympy_route_accepts(activation, j, a, x, data):
    """The fast reading is sufficient: whenever it accepts a bias text, so does the SymPy route
    (``expand(bias - expected) == 0``); texts near the true one, right and wrong, are tried."""
    entry = chart(activation)
    lo, hi = (flint.fmpq(e) for e in entry.interval)
    u = lo + (hi - lo) * flint.fmpq(j, 32)
    x0 = flint.fmpq(x.numerator, x.denominator)
    pre = symbolic(entry.inverse, u)
    expected = pre - sympy.Rational(str(a * x0))
    body = str(pre).lstrip("-")
    variants = [
        str(expected),
        str(pre),
        str(-pre),
        str(expected + 1),
        f"{a * x0} - {body}",
        f"{body} + {-a * x0}",
    ]
    text = data.draw(st.sampled_from(variants))
    ws, W = [1, 1, 1], {1: weight_array([a], 1, 1), 2: weight_array([1], 1, 1)}
    biases = {"1": [text], "2": ["0"]}
    if not _biases_match(ws, {1: entry}, W, {1: [u]}, [x0], biases):
        return
    preds = {(1, 0): [((0, 0), flint.fmpq(a))], (2, 0): [((1, 0), flint.fmpq(1))]}
    claimed = {(1, 0): text, (2, 0): "0"}
    check_biases([(0, 0)], [(1, 0)], (2, 0), preds, {(1, 0): entry}, {(1, 0): u}, [x0], claimed, "w")


def test_checking_a_tanh_certificate_imports_no_sympy(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(certify("3,5,2,4,1").to_json()))
    code = (
        "import sys\nfrom symmorse.kernel import check_path\n"
        f"print(check_path({str(path)!r})[1].accepted, 'sympy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


def test_a_softplus_certificate_takes_the_sympy_route_and_is_accepted():
    data = json.loads(json.dumps(certify("2,3,2,4,1", "softplus").to_json()))
    assert check_certificate(data).accepted
    branch = next(b for b in data["branches"] if b["status"] == "witness")
    branch["witness"]["biases"]["2"][0] = "1/3"
    result = check_certificate(data)
    assert not result.accepted and "bias of node (2, 0) is wrong" in result.reason


def test_a_non_ascii_digit_is_unreadable_not_a_crash():
    """``\\d`` matches Arabic-Indic digits and Python's int() reads them: the reader must not."""
    data = json.loads(json.dumps(certify("2,3,1").to_json()))
    data["branches"][0]["witness"]["W"]["1"][0][0] = "\u0663"
    with pytest.raises(CertificateError, match=r"W.*expected an exact rational"):
        check_certificate(data)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-,/ +_.\u0663", max_size=6), min_size=1, max_size=4))
def test_plain_integer_texts_are_read_by_int_as_the_reader_reads_them(texts):
    from symmorse.kernel.reader import plain_integers, rational

    if plain_integers(texts):
        assert [rational(t, "x") for t in texts] == list(map(int, texts))
