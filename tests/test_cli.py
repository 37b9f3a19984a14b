"""The command line: outputs, formats, and one clear error with exit 2 for bad input."""

import json
import subprocess
import sys

import pytest
import sympy

from symmorse.cli import main
from symmorse.model.architecture import mlp, to_json
from symmorse.model.network import Network


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_derive_text(capsys):
    code, out, err = run(capsys, "derive", "2,3,1", "--activation", "tanh")
    assert code == 0 and err == ""
    assert "Phi = b2 + w1*tanh(z1_1) + w2*tanh(z1_2) + w3*tanh(z1_3)" in out
    assert "v1 = [w1, w2, w3]" in out
    assert "H[1,2] =" in out and "det Hess Phi =" in out


def test_derive_json_is_the_mathematics(capsys):
    code, out, _ = run(capsys, "derive", "2,3,1", "--format", "json", "--coordinates", "chart")
    assert code == 0
    d = json.loads(out)
    net = Network("2,3,1", "tanh")
    names = {s.name: s for s in net.parameters + list(net.chart_symbols.values()) + net.inputs}
    hessian = sympy.Matrix([[sympy.sympify(h, locals=names) for h in row] for row in d["hessian"]])
    assert sympy.expand(hessian - net.hessian("chart")) == sympy.zeros(2)
    assert d["chart"]["u1_1"] == "tanh(z1_1)"
    assert d["backward_vectors"]["v1"] == ["w1", "w2", "w3"]


def test_derive_latex(capsys):
    code, out, _ = run(capsys, "derive", "1,2,1", "--format", "latex")
    assert code == 0
    assert out.startswith("\\begin{align*}") and "W^{(1)}_{1,1}" in out


def test_derive_with_weights_file(capsys, tmp_path):
    weights = {
        "widths": [1, 2, 1],
        "activation": "tanh",
        "layers": [{"W": [[1], ["-1/2"]], "b": [0, 0.5]}, {"W": [[2, 3]], "b": [0]}],
    }
    path = write(tmp_path, "w.json", weights)
    code, out, _ = run(capsys, "derive", "--weights", path, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["weights"]["W1_2_1"] == "-1/2" and d["weights"]["b1_2"] == "1/2"
    assert d["output_in_x"] == "2*tanh(x1) - 3*tanh(x1/2 - 1/2)"
    code, out, _ = run(capsys, "derive", "1,2,1", "--weights", path)
    assert code == 0


def test_derive_graph_file(capsys, tmp_path):
    path = write(tmp_path, "g.json", to_json(mlp("2,2,1")))
    code, out, _ = run(capsys, "derive", path, "--format", "json")
    assert code == 0 and json.loads(out)["architecture"] == {"widths": [2, 2, 1]}


def test_out_file_is_written(capsys, tmp_path):
    target = tmp_path / "d.json"
    code, _, err = run(capsys, "derive", "1,1,1", "--format", "json", "-o", str(target))
    assert code == 0 and "wrote" in err
    assert json.loads(target.read_text())["output"] == "b2 + w1*tanh(z1_1)"


GRAPH_CYCLE = {
    "nodes": [{"id": "a"}, {"id": "b"}, {"id": "y"}],
    "edges": [{"source": "a", "target": "b"}, {"source": "b", "target": "a"}, {"source": "b", "target": "y"}],
}
GRAPH_TWO_OUTPUTS = {
    "nodes": [{"id": "a"}, {"id": "y1"}, {"id": "y2"}],
    "edges": [{"source": "a", "target": "y1"}, {"source": "a", "target": "y2"}],
}
GRAPH_DISCONNECTED = {
    "nodes": [{"id": "a"}, {"id": "b"}, {"id": "y"}],
    "edges": [{"source": "a", "target": "y"}],
}
LAYERS = [{"W": [[1, 2]], "b": [0]}, {"W": [[1]], "b": [0]}]


@pytest.mark.parametrize(
    "argv, files, message",
    [
        (["derive", "2,a,1"], {}, "not an integer"),
        (["derive", "2,0,1"], {}, "layer 1 has width 0"),
        (["derive", "2,-1,1"], {}, "layer 1 has width -1"),
        (["derive", "2,3,2"], {}, "must be 1"),
        (["derive", "2,3,1", "-a", "relu"], {}, "unknown activation 'relu'"),
        (["derive", "2,3,1", "-a", "poly:exp(z)"], {}, "not allowed"),
        (["derive", "2,3,1", "-a", "poly:__import__('os')"], {}, "not allowed"),
        (["derive", "2,3,1", "-a", "poly:q*z"], {}, "unknown name 'q'"),
        (["derive", "{g}"], {"g": GRAPH_CYCLE}, "cycle"),
        (["derive", "{g}"], {"g": GRAPH_TWO_OUTPUTS}, "2 output nodes"),
        (["derive", "{g}"], {"g": GRAPH_DISCONNECTED}, "not connected"),
        (["derive", "{g}"], {"g": "{not json"}, "not valid JSON"),
        (["derive", "missing/graph.json"], {}, "cannot read"),
        (
            ["derive", "1,1,1", "--weights", "{w}"],
            {"w": {"layers": [{"W": [["x"]], "b": [0]}, {"W": [[1]], "b": [0]}]}},
            "'x' is not a number",
        ),
        (
            ["derive", "1,1,1", "--weights", "{w}"],
            {"w": '{"layers": [{"W": [[NaN]], "b": [0]}, {"W": [[1]], "b": [0]}]}'},
            "not a finite number",
        ),
        (
            ["derive", "1,1,1", "--weights", "{w}"],
            {"w": '{"parameters": {"w1": Infinity}}'},
            "not a finite number",
        ),
        (["derive", "1,1,1", "--weights", "{w}"], {"w": {"layers": LAYERS}}, "1 x 1 matrix"),
        (["derive", "1,1,1", "--weights", "{w}"], {"w": {"parameters": {"W7": 1}}}, "unknown parameter 'W7'"),
        (
            ["derive", "1,1,1", "--weights", "{w}"],
            {"w": {"widths": [2, 1], "parameters": {}}},
            "does not match",
        ),
        (["derive", "1,1,1", "--weights", "{w}"], {"w": {"parameters": {}, "activation": "sigmoid"}}, None),
        (
            ["derive", "1,1,1", "-a", "tanh", "--weights", "{w}"],
            {"w": {"parameters": {}, "activation": "sigmoid"}},
            "contradicts",
        ),
        (["derive", "1,1,1", "--weights", "{w}"], {"w": [1, 2]}, "expected a JSON object"),
        (["derive", "1,1,1", "--weights", "{w}"], {"w": {"layers": [], "parameters": {}}}, "exactly one of"),
        (["derive", "--weights", "{w}"], {"w": {"parameters": {}}}, "give an architecture"),
        (["derive", "1,1,1", "--weights", "nowhere.json"], {}, "does not exist"),
        (["derive", "1,1,1", "-o", "no/such/dir/out.txt"], {}, "cannot write"),
    ],
)
def test_bad_input_gives_one_clear_line_and_exit_2(capsys, tmp_path, argv, files, message):
    paths = {k: write(tmp_path, f"{k}.json", v) for k, v in files.items()}
    code, out, err = run(capsys, *[a.format(**paths) for a in argv])
    if message is None:
        assert code == 0
        return
    assert code == 2, err
    assert message in err
    assert err.startswith("symmorse: error:") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["derive", "2,3,1", "--format", "pdf"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "symmorse", "derive", "1,1,1", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["gradient"] == ["W1_1_1*w1*(1 - tanh(z1_1)**2)"]
    result = subprocess.run(
        [sys.executable, "-m", "symmorse", "derive", "1,x,1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
