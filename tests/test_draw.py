"""symmorse draw: the picture shows the graph as it is and marks what the classification found."""

import json
import shutil
import subprocess

import pytest

from symmorse.cli import main
from symmorse.model.architecture import layers, parse_architecture
from symmorse.present.draw import architecture_drawing, draw, tikz
from symmorse.search.classify import classify, minimum_cut, widening_steps

ARCHITECTURES = ["3,5,2,4,1", "2,2,1 --skip 0:out", "resnet:2,2,1", "2,3,1 --dense", "2,3,1 --fix x1:h1_1=2"]


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_the_drawing_is_the_graph(arch):
    G = parse_architecture(arch)
    d = architecture_drawing(arch)
    assert set(d.positions) == set(G.nodes)
    assert {(u, v) for u, v, _, _ in d.edges} == set(G.edges)
    depth = {v: k for k, group in enumerate(layers(G)) for v in group}
    for u, v, weight, skip in d.edges:
        assert skip == (depth[v] - depth[u] > 1)
        fixed = G.edges[u, v].get("fixed_weight")
        assert weight == (None if fixed is None else str(fixed))
    for v, (x, _) in d.positions.items():
        assert x == depth[v]
    assert len(d.cut) == len(minimum_cut(G))


def test_layered_widening_steps_and_cut():
    d = architecture_drawing("3,5,2,4,1")
    assert sorted(d.widening) == widening_steps([3, 5, 2, 4, 1]) == [1, 3]
    assert sorted(d.cut) == ["h2_1", "h2_2"]  # the narrow layer: fewer than n0 = 3
    assert "bottleneck" in d.notes[1] and not d.dead


@pytest.mark.parametrize("arch", ["2,2,1 --skip 0:out", "resnet:2,2,1", "resnet:1,1,1"])
def test_the_shown_stratum_is_the_classification_s(arch):
    c = classify(parse_architecture(arch))
    d = architecture_drawing(arch)
    witnessed = [s for s in c.strata if s.complete and s.kind in ("morse", "degenerate") and s.dead]
    null = [s for s in c.strata if s.complete and s.kind == "null" and s.dead]
    shown = (witnessed or null)[0]
    assert (d.dead, d.cancelling) == (tuple(shown.dead), tuple(shown.cancelling))
    for k, s in enumerate(c.strata, start=1):
        chosen = architecture_drawing(arch, stratum=k)
        assert chosen.dead == tuple(s.dead) and f"stratum {k} ({s.kind}" in " ".join(chosen.notes)


def test_tikz_marks_every_highlight():
    d = architecture_drawing("resnet:2,2,1")
    text = tikz(d)
    assert text.count("\\node[unit") + text.count("\\node[identity") == len(d.positions)
    assert text.count(" edge[") == len(d.edges) and text.count(", dashed]") == 2
    for v in d.dead:
        assert any(f"({'n' + v})" in line and "dead" in line for line in text.splitlines())


def _tikz_installed() -> bool:
    if shutil.which("pdflatex") is None or shutil.which("kpsewhich") is None:
        return False
    return subprocess.run(["kpsewhich", "tikz.sty"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _tikz_installed(), reason="pdflatex with TikZ is not installed")
@pytest.mark.parametrize("arch", ["3,5,2,4,1", "resnet:2,2,1", "2,2,1 --skip 0:out"])
def test_tikz_compiles_without_overfull_boxes(arch, tmp_path):
    draw(architecture_drawing(arch), str(tmp_path / "net.tex"))
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{tikz}\n\\begin{document}\n\\input{net.tex}\n\\end{document}\n"
    )
    command = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    run = subprocess.run(command, cwd=tmp_path, capture_output=True)
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert "Overfull" not in log


def test_cli_draw_writes_pictures_and_json(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "net.png"
    assert main(["draw", "2,2,1", "--skip", "0:out", "--out", str(out), "--json"]) == 0
    marks = json.loads(capsys.readouterr().out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert marks["dead"] == ["x1", "x2"] and marks["file"] == str(out)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["draw", "2,3,1", "--out", "net.gif"], "must end in"),
        (["draw", "2,3,1", "--out", "/nonexistent/net.png"], "does not exist"),
        (["draw", "2,3,1", "--out", "{dir}/net.tex", "--stratum", "1"], "graph route"),
        (["draw", "2,3,1", "--graph", "--out", "{dir}/net.tex", "--stratum", "99"], "between 1 and"),
        (["draw", "2,0,1", "--out", "{dir}/net.tex"], "width"),
    ],
)
def test_cli_draw_bad_input(argv, message, tmp_path, capsys):
    argv = [a.replace("{dir}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
