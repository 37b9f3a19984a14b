"""Every example runs (small sizes), explains itself, and writes its LaTeX and pictures."""

import importlib.util
import json
import os
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest

from symmorse.kernel import check_certificate
from symmorse.model.io import load_network

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "examples")
PLOTS = importlib.util.find_spec("matplotlib") is not None

#: Files each example writes: (LaTeX and data, pictures).
WRITES = {
    "no_critical_points": (
        ["no_critical_points_2_2_1.tex", "no_critical_points_weights.tex"],
        ["no_critical_points.png"],
    ),
    "generic_morse": (["generic_morse_2_3_1.json", "generic_morse_2_3_1.tex"], ["generic_morse.png"]),
    "bottleneck_manifolds": (
        ["bottleneck_2_1_2_1.json", "bottleneck_2_1_2_1.tex"],
        ["bottleneck_manifolds.png"],
    ),
    "rank_deficient_normal_form": (["rank_deficient_2_3_1.tex"], ["rank_deficient_normal_form.png"]),
    "structured_vs_naive_hessian": (["timings.tex", "timings.md"], ["timings.png"]),
    "tampered_certificate": (["original.json", "tampered_det.json", "report.md", "original.tex"], []),
    "chart_coordinates": (["chart_coordinates.tex"], ["chart_coordinates.png"]),
    "node_embedding_saddle": (
        ["saddle_embedding.json", "saddle_node_certificate.json", "saddle_embedding.tex"],
        ["saddle_embedding.png"],
    ),
    "resnet_vs_flow": (["resnet_1_1_1.json", "resnet_1_1_1.tex"], ["resnet_vs_flow.png"]),
    "trained_critical_points": (
        ["trained_critical_points.json", "trained_critical_points.tex"],
        ["trained_critical_points.png"],
    ),
    "trained_neural_ode": (
        [
            "trained_node.json",
            "trained_node_class.json",
            "trained_node_class.tex",
            "trained_node_critical_points.json",
        ],
        [],
    ),
}
TORCH = importlib.util.find_spec("torch") is not None


def test_every_example_is_tested_and_documented():
    scripts = {f[:-3] for f in os.listdir(EXAMPLES) if f.endswith(".py") and not f.startswith("_")}
    assert scripts == set(WRITES)
    with open(os.path.join(EXAMPLES, "README.md")) as fh:
        readme = fh.read()
    for name in scripts:
        assert f"{name}.py" in readme


@pytest.mark.parametrize("name", sorted(WRITES))
def test_example_runs_and_writes_its_files(name, tmp_path):
    if name == "trained_neural_ode" and not TORCH:
        pytest.skip("the neural-ODE demo trains with torch")
    out = tmp_path / name
    run = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, f"{name}.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    texts, pictures = WRITES[name]
    for filename in texts + (pictures if PLOTS else []):
        assert (out / filename).stat().st_size > 0, filename
        assert f"wrote {out / filename}" in run.stdout
    if pictures and not PLOTS:
        assert "matplotlib is not installed" in run.stderr
    if name == "node_embedding_saddle":
        certificate = json.loads((out / "saddle_node_certificate.json").read_text())
        assert check_certificate(certificate).accepted
        assert json.loads((out / "saddle_embedding.json").read_text())["construction"]["verified"]
    if name == "resnet_vs_flow":
        certificate = json.loads((out / "resnet_1_1_1.json").read_text())
        assert certificate["critical_points"] == "generic" and check_certificate(certificate).accepted
    if name == "trained_critical_points":
        result = json.loads((out / "trained_critical_points.json").read_text())
        assert result["complete"] and result["unresolved"] == [] and result["points"]
        # each certified point, re-evaluated independently (mpmath, 30 digits, at the box centre):
        # the gradient vanishes to the box's width and the Hessian has the stated index
        net = load_network(result["architecture"], result["activation"], str(out / "trained_model.pt"))
        for point in result["points"]:
            assert point["status"] == "unique" and point["nullity"] == 0
            centre = [(Fraction(lo) + Fraction(hi)) / 2 for lo, hi in point["box"]]
            evaluation = net.evaluate([str(c) for c in centre], prec=30)
            assert max(abs(g) for g in evaluation.gradient) < 1e-6
            eigenvalues = mpmath.eigsy(mpmath.matrix(evaluation.hessian))[0]
            assert sum(1 for e in eigenvalues if e < 0) == point["index"]
        assert "critical points" in (out / "trained_critical_points.tex").read_text()
    if name == "trained_neural_ode":
        for filename in ("trained_node_class.json", "trained_node_critical_points.json"):
            assert check_certificate(json.loads((out / filename).read_text())).accepted
        assert json.loads((out / "trained_node_critical_points.json").read_text())["points"]
    for filename in texts:
        if filename.endswith(".tex"):
            text = (out / filename).read_text()
            if filename in ("timings.tex", "saddle_embedding.tex"):  # tables to \\input, not documents
                assert text.lstrip().startswith("\\begin{tabular}") and "\\end{tabular}" in text
            else:
                assert text.startswith("\\documentclass") and text.endswith("\\end{document}\n")


def test_without_matplotlib_an_example_says_so_and_writes_the_rest(tmp_path):
    hidden = tmp_path / "hide" / "matplotlib"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "hide")}
    out = tmp_path / "out"
    script = os.path.join(EXAMPLES, "chart_coordinates.py")
    run = subprocess.run([sys.executable, script, "--out", str(out)], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and "matplotlib is not installed" in run.stderr
    assert (out / "chart_coordinates.tex").exists() and not (out / "chart_coordinates.png").exists()
