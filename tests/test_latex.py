"""LaTeX (symmorse.present.latex and the documents): the mathematics shown, escaping, refusals, compiling."""

import json
import os
import random
import re
import shutil
import subprocess
import sys

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.cli import main
from symmorse.exact.errors import CertificateError, CertificateRejected, InputError, WeightsError
from symmorse.model.architecture import mlp, parse_architecture, to_json
from symmorse.model.network import Network
from symmorse.present import pdf
from symmorse.present.documents import (
    architecture_document,
    architecture_fragment,
    certificate_document,
    compile_pdf,
    critical_points_latex,
    document_for,
    weights_document,
)
from symmorse.present.latex import escape_text
from symmorse.present.notebook import latex, register
from symmorse.present.typeset import Numbers
from symmorse.search.certify import certify, witness_weights
from symmorse.search.classify import classify, parameter_count
from symmorse.search.explain import abstract_derivatives, layered_witness

from .helpers import determinant_claim_holds, witness_claims_hold

EXAMPLES = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "data")
EXAMPLES_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "examples", "data")
PDFLATEX = shutil.which("pdflatex")
TIKZ = PDFLATEX is not None and shutil.which("kpsewhich") is not None and subprocess.run(
    ["kpsewhich", "tikz.sty"], capture_output=True
).returncode == 0
needs_pdflatex = pytest.mark.skipif(not TIKZ, reason="pdflatex with TikZ (texlive-pictures) is not installed")


def load_layers(name: str) -> list:
    with open(os.path.join(EXAMPLES, name)) as fh:
        return json.load(fh)["layers"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def naive_hessian_at_witness(data: dict, step: int) -> sympy.Matrix:
    """Hess Phi at a witness by SymPy's route: the witness as ordinary weights, substituted into Phi."""
    ws = data["architecture"]["widths"]
    net = Network(ws, data["activation"])
    at = {net.symbol(name): value for name, value in witness_weights(data, step).items()}
    branch = next(b for b in data["branches"] if b["step"] == step)
    at.update({x: sympy.Rational(t) for x, t in zip(net.inputs, branch["witness"]["x"])})
    expanded = Network(ws, data["activation"]).output
    hessian = sympy.hessian(expanded, net.inputs).xreplace(at)
    assert all(g.xreplace(at) == 0 for g in sympy.Matrix([expanded]).jacobian(net.inputs))
    return hessian.applyfunc(sympy.nsimplify)


def test_the_231_document_shows_the_mathematics():
    tex = architecture_document("2,3,1")
    # the network: widths and p = sum n_l (n_{l-1} + 1)
    assert "$n_0 = 2$" in tex and "$n_{1} = 3$" in tex and f"$p = {parameter_count([2, 3, 1])}$" in tex
    # one hidden layer: dPhi/dx_j = sum_i W_ij w_i sigma'(z_i), H_jk = sum_i W_ij W_ik w_i sigma''(z_i)
    for i in (1, 2, 3):
        for j in (1, 2):
            assert f"W^{{(1)}}_{{{i},{j}}} w_{{{i}}} \\sigma'(z^{{(1)}}_{{{i}}})" in tex
        assert f"W^{{(1)}}_{{{i},1}} W^{{(1)}}_{{{i},2}} w_{{{i}}} \\sigma''(z^{{(1)}}_{{{i}}})" in tex
    assert "\\nabla \\Phi(x) = v^{(0)}" in tex and "J^{(l)T} \\diag" in tex
    # the branch table row: k=1, 2 -> 3, m = 2, morse, dim B = p + n0 - n0, weights p
    assert "1 & $2 \\to 3$ & 2 & morse & 13 & 13 & witness" in tex
    assert "Theorem (Morse for almost every weight)" in tex and "\\textbf{augmented}" in tex


def test_witness_numbers_agree_with_sympys_route():
    data = certify("2,3,1").to_json()
    tex = certificate_document(data, "c.json")
    H = naive_hessian_at_witness(data, 1)
    det = H.det()  # shown as an integer or as a LaTeX fraction
    shown = str(det) if det.q == 1 else f"{'-' if det < 0 else ''}\\frac{{{abs(det.p)}}}{{{det.q}}}"
    assert determinant_claim_holds(det, data["branches"][0]["claims"], "det_hessian")
    assert f"\\det \\Hess \\Phi(x) &= {shown} \\ne 0" in tex
    negative = sum(m for e, m in H.eigenvals().items() if e < 0)
    assert "Morse index (the number of negative eigenvalues" in tex and f"is ${negative}$" in tex
    assert "v^{(0)} &= W^{(1)T} D^{(1)} v^{(1)} = \\left(0,\\ 0\\right)^{T}" in tex
    assert "\\nabla \\Phi(x) = v^{(0)} = 0$ exactly" in tex
    for text in data["branches"][0]["witness"]["u"]["1"]:
        q = sympy.Rational(text)
        assert f"\\frac{{{abs(q.p)}}}{{{q.q}}}" in tex  # every chart value is shown exactly


def test_the_3251_document_shows_the_degenerate_branch():
    data = certify("3,2,5,1").to_json()
    tex = certificate_document(data, None)
    ws, p = [3, 2, 5, 1], parameter_count([3, 2, 5, 1])
    assert f"2 & $2 \\to 5$ & 2 & degenerate & {p + ws[0] - ws[1]} & {p} & witness" in tex
    H = naive_hessian_at_witness(data, 2)
    assert f"\\rank \\Hess \\Phi(x) &= {H.rank()} < n_0 = 3" in tex and H.rank() < 3
    assert witness_claims_hold(data)  # det Hess g and the ranks, by SymPy's route
    exact = certify("3,2,5,1", exact_det=True).to_json()  # the same witness, with det Hess g itself
    det_g = Numbers("").q(exact["branches"][0]["claims"]["det_hessian_g"])
    assert f"\\det \\Hess g &= {det_g} \\ne 0" in tex
    assert "\\textbf{bottleneck}" in tex and "Theorem (degenerate critical manifolds)" in tex
    assert "not Morse for an open set of weights" in tex


def test_abstract_derivatives_are_the_structured_ones():
    """sigma', sigma'' as symbols, substituted back, give Network's derivatives in z exactly."""
    net = Network("2,2,2,1", "sigmoid")
    explained = abstract_derivatives(net)
    sd = explained.derivatives
    back = {}
    for z in net.preactivation_symbols.values():
        back[sympy.Symbol(z.name + "'")] = net.activation.derivative(z)
        back[sympy.Symbol(z.name + "''")] = net.activation.second_derivative(z)
    derivative = {1: net.activation.derivative, 2: net.activation.second_derivative}
    assert {s: derivative[order](z) for s, (z, order) in explained.symbols.items()} == back
    for a, b in zip(sd.gradient, net.gradient("z")):
        assert sympy.expand(a.xreplace(back) - b) == 0
    for a, b in zip(sympy.Matrix(sd.hessian), net.hessian("z")):
        assert sympy.expand(a.xreplace(back) - b) == 0


def test_non_augmented_and_undecided_documents():
    tex = architecture_document("3,2,1")
    assert "Theorem (no critical points)" in tex and "has no critical point, for every choice" in tex
    assert "There is no widening step" in tex
    tex = architecture_document("2,3,1", "poly:z**2")
    assert "not applicable here" in tex and "Status: \\textbf{undecided}" in tex
    assert "\\texttt{poly:z**2}" in tex


def test_large_networks_use_the_matrix_form():
    """Entries too long for a page are not written out: the formulas in matrix form stand for them."""
    tex = architecture_document("5,10,10,10,1")
    assert "(The componentwise form is too long to be useful here.)" in tex
    assert "(The gradient written out has too many terms to be useful here; the recursion defines it.)" in tex
    assert "(The entries of $\\Hess \\Phi$ written out are too long to be useful here.)" in tex
    assert "H_{ab} = \\sum_{l=1}^{L-1}" in tex and "v^{(l-1)} = W^{(l)T} D^{(l)} v^{(l)}" in tex
    assert "H_{11} &=" not in tex and "\\frac{\\partial \\Phi}{\\partial x_{1}} &=" not in tex
    assert "v^{(3)}_{1} &= w_{1}" in tex  # the backward vectors are written out while they are short
    small = architecture_document("2,3,1")  # and a small network has every entry written out
    assert "H_{11} &=" in small and "too long" not in small and "too many terms" not in small


@given(st.text(max_size=40))
def test_escaped_text_has_no_active_characters(text):
    escaped = escape_text(text)
    plain = re.sub(r"\\char`\\.", "", escaped)
    assert not set(plain) & set("\\{}$&#^_%~") and all(" " <= c <= "~" for c in plain)


def test_texts_from_files_never_reach_the_document_raw(tmp_path):
    data = certify("2,3,1").to_json()
    data["reasons"] = ["\\input{/etc/passwd}"]
    data["hypothesis"] = "\\write18{rm -rf /}"
    data["branches"][0]["note"] = "\\def\\x{evil}"
    tex = certificate_document(data, "we$ird_name&.json")
    assert "passwd" not in tex and "write18" not in tex and "evil" not in tex
    assert "\\texttt{we\\char`\\$ird\\char`\\_name\\char`\\&.json}" in tex


def test_rejected_and_unreadable_certificates(tmp_path, capsys):
    data = certify("2,3,1").to_json()
    data["branches"][0]["claims"]["det_hessian"] = "7"
    with pytest.raises(CertificateRejected, match="det Hess Phi is"):
        certificate_document(data)
    path, out = tmp_path / "bad.json", tmp_path / "bad.tex"
    path.write_text(json.dumps(data))
    code, _, err = run(capsys, "latex", str(path), "-o", str(out))
    assert code == 1 and "rejected" in err and not out.exists()
    with pytest.raises(CertificateError):
        certificate_document({"format": "nonsense"})
    path.write_text("{not json")
    code, _, err = run(capsys, "latex", str(path), "-o", str(out))
    assert code == 2 and "not valid JSON" in err and not out.exists()
    data = certify("2,3,1").to_json()
    path.write_text(json.dumps(data))
    code, _, err = run(capsys, "latex", str(path), "--activation", "sigmoid")
    assert code == 2 and "--activation" in err


def test_cli_architecture_certificate_and_weights(tmp_path, capsys):
    code, out, _ = run(capsys, "latex", "2,3,1")
    assert code == 0 and out.startswith("\\documentclass") and out.endswith("\\end{document}\n")
    cert = tmp_path / "c.json"
    cert.write_text(json.dumps(certify("3,2,5,1").to_json()))
    code, _, err = run(capsys, "latex", str(cert), "-o", str(tmp_path / "c.tex"))
    text = (tmp_path / "c.tex").read_text()
    assert code == 0 and "The certificate file \\texttt{" in text and "accepted: 1 branch," in text
    weights = os.path.join(EXAMPLES, "rank_deficient_2_3_1.json")
    code, out, _ = run(capsys, "latex", "--weights", weights)
    assert code == 0 and "\\text{widths } 2,1,3,1" in out and "(proved)" in out
    code, _, err = run(capsys, "latex", weights)
    assert code == 2 and "--weights" in err
    code, _, err = run(capsys, "latex")
    assert code == 2 and "give an architecture" in err
    code, _, err = run(capsys, "latex", "2,3,1", "--pdf")
    assert code == 2 and "--pdf needs -o" in err
    code, _, err = run(capsys, "latex", "2,0,1")
    assert code == 2 and "width 0" in err


def test_document_for_tells_the_inputs_apart(tmp_path):
    graph = tmp_path / "g.json"
    graph.write_text(json.dumps(to_json(mlp("2,3,1"))))
    tex = document_for(str(graph), seed=1)
    assert "\\texttt{symmorse certify /" in tex and "g.json --activation tanh --seed 1} writes" in tex
    cert = tmp_path / "c.json"
    cert.write_text(json.dumps(certify("2,3,1", seed=1).to_json()))
    assert document_for(str(cert)) == certificate_document(certify("2,3,1", seed=1).to_json(), str(cert))
    with pytest.raises(InputError, match="does not apply to a certificate"):
        document_for(str(cert), activation="tanh")
    weights = os.path.join(EXAMPLES, "rank_deficient_2_3_1.json")
    with pytest.raises(InputError, match="is a weights file: give it as --weights"):
        document_for(weights)
    assert "certified enumeration" in document_for(None, weights=weights, box=["-2,2"], time_limit=10)
    assert "death strata" in document_for("2,2,1", options=["--skip 0:out"])


def test_weights_documents():
    # W1 of rank 1 < n_0 = 2: a bottleneck in normal form, every critical point degenerate
    layers = load_layers("rank_deficient_2_3_1.json")
    tex = weights_document(Network("2,3,1", "tanh", layers), "w.json")
    assert "\\rank W^{(1)} = 1" in tex and "\\text{widths } 2,1,3,1" in tex and "\\textbf{bottleneck}" in tex
    assert "every critical point of $\\Phi$ is degenerate" in tex
    assert "z^{(1)}_{3} &= 2 x_{1} + 4 x_{2}" in tex  # the forward pass with the numbers
    # full-rank non-augmented weights: no critical point at all, for these very weights
    layers = [{"W": [[1, 0, 2], [0, 1, -1]], "b": [0, 1]}, {"W": [[1, 1]], "b": [0]}]
    tex = weights_document(Network("3,2,1", "tanh", layers))
    assert "$\\Phi$ has no critical point at all (proved)" in tex
    with pytest.raises(WeightsError, match="missing"):
        weights_document(Network("2,3,1", "tanh", {"w1": 1}))


def test_long_numbers_are_shortened_with_one_footnote():
    big = "123456789012345678901234567890"
    layers = [{"W": [[big, 1], [1, big], [1, 1]], "b": [0, 0, 0]}, {"W": [[1, 2, 3]], "b": [0]}]
    tex = weights_document(Network("2,3,1", "tanh", layers), "big.json")
    assert big not in tex  # not in the weights, nor in the forward pass or derivatives from SymPy
    assert "1234567\\ldots4567890{\\scriptstyle\\,(30\\text{ digits})}" in tex
    assert tex.count("\\footnote{The full values are in the weights file \\texttt{big.json}.}") == 1
    assert tex.index("\\footnote") < tex.index("\\ldots4567890")


def test_explained_witnesses_are_the_certificates_claims():
    """The numbers a document shows about a witness are the claims of the certificate (the kernel checked)."""
    for arch in ("2,3,1", "3,2,5,1", "3,5,2,4,1"):
        data = certify(arch).to_json()
        for branch in (b for b in data["branches"] if b["status"] == "witness"):
            e = layered_witness(data, branch["step"])
            claims = branch["claims"]
            assert e.on_branch and all(a == 0 for a in e.backward[0])
            if e.kind == "morse":
                H = sympy.Matrix(e.hessian).applyfunc(lambda q: sympy.Rational(str(q)))
                assert determinant_claim_holds(sympy.Rational(str(e.det_hessian)), claims, "det_hessian")
                assert e.morse_index == sum(1 for r in sympy.Poly(H.charpoly()).real_roots() if r < 0)
            else:
                assert determinant_claim_holds(sympy.Rational(str(e.det_hessian_g)), claims, "det_hessian_g")
                assert (e.rank_jacobian, e.rank_hessian) == (claims["rank_jacobian"], claims["rank_hessian"])
    with pytest.raises(CertificateError, match="no witness on branch k=2"):
        layered_witness(certify("2,3,1").to_json(), 2)


def test_critical_points_hook():
    result = {
        "points": [
            {"center": ["0.5", "-1.25"], "index": 1, "status": "unique"},
            {"center": ["-2", "0"], "index": 0, "status": "unique"},
        ],
        "unresolved": [[["0", "1"], ["0", "1"]]],
        "complete": False,
    }
    table = critical_points_latex(result)
    assert "1 & $(0.5,\\ -1.25)$ & 1 & unique" in table and "2 & $(-2,\\ 0)$ & 0 & unique" in table
    assert "not complete: 1 box" in table
    layers = load_layers("small_2_3_1.json")
    tex = weights_document(Network("2,3,1", "tanh", layers), critical=result)
    assert "certified enumeration" in tex and "1 & $(0.5,\\ -1.25)$" in tex


def test_notebook_display_and_lazy_import():
    assert latex(Network("1,2,1")).startswith("$\\displaystyle \\Phi(x) = ")
    assert latex(Network("3,30,30,1")).startswith("$\\Phi\\colon \\mathbb{R}^{3}")
    assert "\\text{morse} & 13 & 13 & \\text{witness}" in latex(certify("2,3,1"))
    assert latex(classify("3,5,2,4,1")).startswith("$$\\begin{array}{l}\\text{3,5,2,4,1: bottleneck}")
    graph = latex(certify(parse_architecture("resnet:1,1,1")))
    assert "\\text{s0?1} & 1 & \\text{morse} & \\text{witness}" in graph and "2 families" in graph
    assert latex(object()) is None and not hasattr(Network, "_repr_latex_")  # the model knows no printing

    class Formatter:  # IPython's text/latex formatter, as register() uses it
        registered = {}

        def for_type_by_name(self, module, name, function):
            self.registered[module, name] = function

    display = type("Display", (), {"formatters": {"text/latex": Formatter()}})
    register(type("Shell", (), {"display_formatter": display}))
    shown = Formatter.registered["symmorse.search.certify", "Certificate"](certify("2,3,1"))
    assert shown == latex(certify("2,3,1"))
    code = (
        "import sys, symmorse, symmorse.search.certify, symmorse.search.classify; "
        "print('symmorse.present.latex' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )


def test_without_pdflatex_the_tex_is_still_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    out = tmp_path / "x.tex"
    code, _, err = run(capsys, "latex", "2,3,1", "-o", str(out), "--pdf")
    assert code == 2 and "pdflatex is not installed" in err and out.exists()


@needs_pdflatex
def test_documents_compile(tmp_path):
    nasty = {
        "nodes": [{"id": n} for n in ["in_1", "x&2", "h{a}", "h$b%", "h~c^", "out#\u2192\\input"]],
        "edges": [
            {"source": a, "target": b}
            for a, b in [
                ("in_1", "h{a}"),
                ("x&2", "h{a}"),
                ("in_1", "h$b%"),
                ("x&2", "h$b%"),
                ("h{a}", "h~c^"),
                ("h{a}", "out#\u2192\\input"),
                ("h$b%", "out#\u2192\\input"),
                ("h~c^", "out#\u2192\\input"),
            ]
        ],
    }
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(nasty))
    layers = load_layers("small_2_3_1.json")
    documents = {
        "a231": architecture_document("2,3,1"),
        "graph": architecture_document(parse_architecture(str(graph)), "poly:z**3+z", name=str(graph)),
        "weights": weights_document(Network("2,3,1", "tanh", layers), "small_2_3_1.json"),
        "strata": document_for("resnet:1,1,1"),
    }
    for name, tex in documents.items():
        path = tmp_path / f"{name}.tex"
        path.write_text(tex)
        pdf = compile_pdf(str(path))
        assert os.path.getsize(pdf) > 1000


def _random_weights(widths, seed):
    rng = random.Random(seed)
    return [
        {
            "W": [[f"{rng.randint(-2000, 2000)}/1000" for _ in range(m)] for _ in range(n)],
            "b": [f"{rng.randint(-1000, 1000)}/1000" for _ in range(n)],
        }
        for m, n in zip(widths, widths[1:])
    ]


@needs_pdflatex
@pytest.mark.parametrize(
    "kind",
    [
        "3,5,2,4,1",
        "5,10,10,10,1",
        "certificate 2,6,3,5,1",
        "resnet:2,2,1",
        "2,2,1 --skip 0:out",
        "weights 2,8,1",
        "weights 2,8,8,1",
        "node",
        "embedding",
    ],
)
def test_every_document_kind_compiles_without_overfull_boxes(kind, tmp_path):
    if kind == "node":
        from symmorse.model.node import NeuralODE
        from symmorse.present.node_document import node_certificate_document
        from symmorse.search.node_classify import classify_node

        certificate = classify_node(NeuralODE(1, "0, h1**3"), W="1; 0").certificate
        tex = node_certificate_document(certificate, "n.json")
    elif kind == "embedding":
        from symmorse.present.node_document import node_certificate_document
        from symmorse.search.embedding import embed

        certificate = embed("x**3 + y**2", "x,y").construction.certificate
        tex = node_certificate_document(certificate, "e.json")
    elif kind.startswith("certificate"):
        tex = certificate_document(certify(kind.split()[1]).to_json(), "cert.json")
    elif kind == "weights 2,8,1":
        tex = document_for(None, weights=os.path.join(EXAMPLES_DATA, "trained_2_8_1_tanh.json"))
    elif kind.startswith("weights 2,8,8"):
        widths = [int(w) for w in kind.split()[1].split(",")]
        tex = weights_document(Network(widths, "tanh", _random_weights(widths, 1)), "random.json")
    else:
        arch, *options = kind.split(" ", 1)
        tex = document_for(arch, options=options)
    (tmp_path / "doc.tex").write_text(tex)
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    run_ = subprocess.run(command, cwd=tmp_path, capture_output=True)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert run_.returncode == 0, log[-2000:]
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert all(w <= 1.0 for w in overfull), overfull


def test_latex_of_a_certificate_without_a_document_is_refused(tmp_path, capsys):
    from symmorse.search.elimination import eliminate

    path = tmp_path / "e.json"
    path.write_text(json.dumps(eliminate("1,1,1", "poly:z**3+z").to_json()))
    code, _, err = run(capsys, "latex", str(path), "-o", str(tmp_path / "e.tex"))
    assert code == 2 and "symmorse-elimination/1 certificate" in err and not (tmp_path / "e.tex").exists()


@needs_pdflatex
def test_cli_pdf(tmp_path, capsys):
    out = tmp_path / "d.tex"
    code, _, err = run(capsys, "latex", "3,2,5,1", "-o", str(out), "--pdf")
    assert code == 0 and (tmp_path / "d.pdf").exists() and f"wrote {tmp_path / 'd.pdf'}" in err


def test_notebook_display_of_critical_points_and_embeddings():
    from symmorse.present.notebook import html
    from symmorse.search.critical import critical_points
    from symmorse.search.critical_results import CriticalPointsResult
    from symmorse.search.embedding import Embedding, embed

    net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}])
    found = critical_points(net, [(-3, 3)])
    target = embed("x**2 - y**2", "x,y")

    class Formatter:  # IPython's formatters, as register() uses them
        def __init__(self):
            self.registered = {}

        def for_type_by_name(self, module, name, function):
            self.registered[module, name] = function

    formatters = {"text/latex": Formatter(), "text/html": Formatter()}
    register(type("Shell", (), {"display_formatter": type("D", (), {"formatters": formatters})}))
    for cls, obj in ((CriticalPointsResult, found), (Embedding, target)):
        key = (cls.__module__, cls.__name__)
        assert formatters["text/latex"].registered[key](obj) == latex(obj)
        assert formatters["text/html"].registered[key](obj) == html(obj)
        assert not hasattr(cls, "_repr_latex_") and not hasattr(cls, "_repr_html_")  # no printing in search
    tex = latex(found)
    assert tex.startswith("$$\\begin{array}{l}") and tex.endswith("\\end{array}$$")
    assert "1 & (0.5) & 1 & \\text{unique}" in tex and "\\text{1 critical point: 1 of index 1}" in tex
    page = html(found)
    assert "<td>(0.5)</td><td>1</td><td>unique</td>" in page and "1 critical point: 1 of index 1." in page
    assert "\\text{(0, 0): non-degenerate, index 1 (proved)}" in latex(target)
    assert "<td>mlp-non-augmented</td><td>excluded</td>" in html(target)
    assert html(embed("x + y", "x,y")).count("<td>possible</td>") == 6


def test_latex_fragment(capsys, tmp_path):
    """--fragment: a theorem, the formulas, a witness and a proof sketch citing the certificate file."""
    path = tmp_path / "c.json"
    data = certify("2,3,1").to_json()
    path.write_text(json.dumps(data))
    witness = data["branches"][0]
    x, claims = witness["witness"]["x"], witness["claims"]
    code, out, _ = run(capsys, "latex", str(path), "--fragment", "--no-progress")
    assert code == 0 and "\\documentclass" not in out and out.count("\\begin{theorem}") == 1
    assert "\\begin{theorem}[2,3,1, $\\sigma = \\tanh$]" in out
    assert "Morse function for almost every weight" in out
    nums = Numbers("c")
    residue = f"\\equiv {claims['det_hessian_residue']} \\not\\equiv 0 \\pmod{{p}}"
    assert f"x = {nums.vector(x, transposed=False)}" in out and residue in out
    assert f"p = {claims['modulus']} \\text{{ (a prime)}}" in out
    assert f"symmorse check {escape_text(str(path))}".replace("/", "/\\allowbreak{}") in out
    code, out, _ = run(capsys, "latex", "3,2,1", "--fragment", "-o", str(tmp_path / "f.tex"))
    assert code == 0 and "no critical point" in (tmp_path / "f.tex").read_text()
    data = certify("2,3,1").to_json()
    data["morse"] = "fails"
    path.write_text(json.dumps(data))
    code, _, err = run(capsys, "latex", str(path), "--fragment", "-o", str(tmp_path / "g.tex"))
    assert code == 1 and "rejected" in err and not (tmp_path / "g.tex").exists()
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"widths": [1, 1], "layers": [{"W": [[1]], "b": [0]}]}))
    for argv in (["--weights", str(weights)], ["3,2,1", "--pdf", "-o", str(tmp_path / "h.tex")]):
        code, _, err = run(capsys, "latex", *argv, "--fragment")
        assert code == 2 and "fragment" in err


@needs_pdflatex
def test_a_fragment_fits_one_column_of_a_two_column_paper(tmp_path):
    (tmp_path / "f.tex").write_text(architecture_fragment("3,5,2,4,1"))
    (tmp_path / "doc.tex").write_text(
        "\\documentclass[twocolumn]{article}\\usepackage{amsmath,amssymb,amsthm}\\newtheorem{theorem}{Theorem}\n"
        "\\newsavebox\\fragment\\begin{document}\n"
        "\\savebox\\fragment{\\begin{minipage}{\\columnwidth}\\input{f.tex}\\end{minipage}}\n"
        "\\typeout{FRAGMENT \\the\\dimexpr\\ht\\fragment+\\dp\\fragment\\relax\\space OF \\the\\textheight}\n"
        "\\noindent\\usebox\\fragment\n\\end{document}\n"
    )
    done = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path, capture_output=True
    )
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert done.returncode == 0, log[-2000:]
    height, page = map(float, re.search(r"FRAGMENT ([0-9.]+)pt OF ([0-9.]+)pt", log).groups())
    assert height <= page  # one column of one page
    assert "Overfull" not in log


@needs_pdflatex
def test_fragments_compile_with_and_without_amsthm(tmp_path):
    from symmorse.present.documents import architecture_fragment

    for i, arch in enumerate(["2,3,1", "3,5,2,4,1", "resnet:2,2,1", "2,2,1 --skip 0:out"]):
        (tmp_path / f"f{i}.tex").write_text(architecture_fragment(parse_architecture(arch)))
    inputs = "".join(f"\\input{{f{i}.tex}}\n" for i in range(4))
    for amsthm in ("\\usepackage{amsthm}", ""):
        (tmp_path / "doc.tex").write_text(
            f"\\documentclass{{article}}\\usepackage{{amsmath,amssymb}}{amsthm}\n"
            f"\\begin{{document}}\n{inputs}\\end{{document}}\n"
        )
        done = subprocess.run(
            [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout[-2000:]
