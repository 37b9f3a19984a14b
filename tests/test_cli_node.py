"""Command line: node, depth-compare, embed, check (outputs, certificates, exit codes)."""

import json

import pytest
import sympy

from symmorse.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "cls", "critical", "morse"),
    [
        (["--inputs", "2", "--field", "0, h1**2"], "non-augmented", "none", "generic"),  # m = n, global flow
        (["--inputs", "1", "--field", "0, h1**3"], "augmented", "generic", "generic"),  # m = n + 1
        (["--inputs", "2", "--field", "0, 0, h1*h2, h1**2 - h2**2"], "augmented", "generic", "generic"),
        (
            ["--inputs", "2", "--field", "0, 0, h1**2*h2", "--W", "1,1;1,1;0,0"],
            "degenerate",
            "generic",
            "fails",
        ),
        (["--inputs", "1", "--field", "h2, -h1"], "affine", "null-set", "fails"),
    ],
)
def test_node_certificates_round_trip(capsys, tmp_path, argv, cls, critical, morse):
    cert = tmp_path / "c.json"
    code, out, err = run(capsys, "node", *argv, "--json", "--certificate", str(cert))
    assert code == 0 and "wrote certificate" in err
    d = json.loads(out)
    assert (d["class"], d["critical_points"], d["morse"], d["status"]) == (cls, critical, morse, "proved")
    code, out, _ = run(capsys, "check", str(cert))
    assert code == 0 and out.startswith("accepted")
    data = json.loads(cert.read_text())
    data["verdict"]["morse"] = "generic" if morse == "fails" else "fails"
    cert.write_text(json.dumps(data))
    code, out, _ = run(capsys, "check", str(cert))
    assert code == 1 and out.startswith("rejected")


def test_node_text_and_numerical(capsys):
    code, out, _ = run(capsys, "node", "--inputs", "1", "--field", "tanh(h2), sin(h1)", "--digits", "20")
    assert code == 0 and "numerical (20 digits)" in out


def test_node_critical_points(capsys):
    code, out, _ = run(
        capsys,
        "node",
        "--inputs",
        "1",
        "--field",
        "0, h1**3 - 3*h1",
        "--W",
        "1;0",
        "--critical-points",
        "--json",
    )
    assert code == 0
    points = json.loads(out)["critical_points"]
    assert sorted((round(float(p["point"][0])), p["index"]) for p in points) == [(-1, 1), (1, 0)]


def test_layers_field_and_depth_compare(capsys, tmp_path):
    layers = tmp_path / "f.json"
    layers.write_text(json.dumps({"A": [[1]], "V": [[-2]], "c": [0]}))
    code, out, _ = run(capsys, "depth-compare", "--inputs", "1", "--layers", str(layers), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["neural_ode"]["critical_points"] == "none" and d["neural_ode"]["status"] == "proved"
    points = d["resnet"]["critical_points"]
    assert [p["u"] for p in points] == ["-sqrt(2)/2", "sqrt(2)/2"]
    code, out, _ = run(
        capsys, "depth-compare", "--inputs", "1", "--layers", '{"A": [[1]], "V": [[-2]]}', "--steps", "3"
    )
    assert code == 0 and "no critical points (proved)" in out


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "x**2 - y**2",
            {
                "mlp-non-augmented": "excluded",
                "node-non-augmented": "excluded",
                "node-augmented": "possible",
                "mlp-augmented": "possible",
            },
        ),
        ("x**3 + y**2", {"mlp-augmented": "null-set-only", "node-augmented": "null-set-only"}),
        ("x + y", {c: "possible" for c in ("mlp-non-augmented", "node-non-augmented", "node-degenerate")}),
    ],
)
def test_embed_json(capsys, tmp_path, target, expected):
    cert = tmp_path / "e.json"
    code, out, _ = run(capsys, "embed", target, "--vars", "x,y", "--json", "--certificate", str(cert))
    assert code == 0
    d = json.loads(out)
    assert set(d) >= {"critical_points", "classes", "construction"}
    assert d["construction"]["phase_dim"] == 3 and d["construction"]["verified"] is True
    assert all(d["classes"][k] == v for k, v in expected.items())
    for p in d["critical_points"]:
        assert set(p) >= {"point", "degenerate"}
    assert run(capsys, "check", str(cert))[0] == 0


def test_embed_text(capsys):
    code, out, _ = run(capsys, "embed", "x**3 + y**2", "--vars", "x,y")
    assert code == 0 and "degenerate" in out and "Phi = f verified: True" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["node", "--inputs", "1", "--field", "h2, q"],  # unknown symbol
        ["node", "--inputs", "1", "--field", "h2, h1", "--time", "0"],  # T <= 0
        ["node", "--inputs", "1", "--field", "h2, h1", "--time", "-1"],
        ["node", "--inputs", "2", "--field", "h2, h1, h3", "--W", "1,0;0,1"],  # W is 2 x 2, needs 3 x 2
        ["node", "--inputs", "1"],  # no field
        ["node", "--inputs", "1", "--field", "h1", "--layers", "{}"],  # both
        ["node", "--inputs", "1", "--field", "h2, h1", "--flow", "h1, h2"],  # wrong flow
        ["node", "--inputs", "1", "--layers", "/nonexistent/f.json"],
        ["node", "--inputs", "1", "--layers", '{"A": [[1, 2]], "V": [[1]]}'],  # V must be 2 x 1
        ["node", "--inputs", "1", "--field", "0, h1**3", "--W-out", "1,2,3"],
        ["depth-compare", "--inputs", "1", "--layers", '{"A": [[1]], "V": [[1]]}', "--steps", "0"],
        ["embed", "x + z", "--vars", "x,y"],  # unknown symbol
        ["embed", "sin(x)", "--vars", "x", "--exact"],  # non-polynomial where a polynomial is needed
        ["embed", "x", "--vars", "x", "--time", "0"],
        ["embed", "x", "--vars", "x,,y"],
        ["embed", "log(x)", "--vars", "x"],  # undefined for x <= 0: no neural ODE has Phi = f
        ["embed", "1/x", "--vars", "x"],
        ["embed", "sqrt(x)", "--vars", "x"],
        ["embed", "x*t", "--vars", "x,t"],  # t is the flow's time
        ["check", "/nonexistent/cert.json"],
    ],
)
def test_bad_input_exit_2(capsys, tmp_path, argv):
    out_file = tmp_path / "out.json"
    code, out, err = run(capsys, *argv, *(["--out", str(out_file)] if argv[0] != "check" else []))
    assert code == 2 and err.startswith("symmorse: error:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out_file.exists()


def test_check_unreadable_certificate(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert run(capsys, "check", str(bad))[0] == 2
    bad.write_text(json.dumps({"format": "symmorse-node/1", "n": 1}))
    assert run(capsys, "check", str(bad))[0] == 2
    bad.write_text(json.dumps({"format": "unknown/9"}))
    assert run(capsys, "check", str(bad))[0] == 2


def test_certificate_numbers_are_exact_strings(capsys, tmp_path):
    cert = tmp_path / "c.json"
    run(capsys, "node", "--inputs", "1", "--field=-h1, h1**2", "--certificate", str(cert))
    data = json.loads(cert.read_text())
    assert all(isinstance(v, str) for v in data["witness"]["W_out"] + data["witness"]["y"])
    w = sympy.sympify(data["witness"]["W_out"][0])
    assert w.is_number and w.has(sympy.exp, sympy.sinh, sympy.cosh)  # transcendental, exact


@pytest.mark.parametrize(("W_out", "critical"), [("0,1", "everywhere"), ("1,1", "none")])
def test_node_given_weights_of_an_affine_field(capsys, tmp_path, W_out, critical):
    """h' = 0, W = (1, 0)^T: Phi(x) = w1 (x + b1) + w2 b2, constant iff w1 = 0; the kernel agrees."""
    cert = tmp_path / "c.json"
    argv = ["node", "--inputs", "1", "--field", "0, 0", "--W", "1;0", "--W-out", W_out, "--json"]
    code, out, _ = run(capsys, *argv, "--certificate", str(cert))
    d = json.loads(out)
    assert code == 0 and (d["class"], d["critical_points"], d["status"]) == ("affine", critical, "proved")
    assert d["free_weights"] == ["b", "b_out"]
    code, out, _ = run(capsys, "check", str(cert))
    assert code == 0 and out.startswith("accepted")


def test_node_generic_verdict_says_the_given_W_out_is_not_used(capsys, tmp_path):
    cert = tmp_path / "c.json"
    argv = ["node", "--inputs", "1", "--field", "0, h1**3", "--W", "1;0", "--W-out", "1,1"]
    code, out, _ = run(capsys, *argv, "--certificate", str(cert))
    assert code == 0 and "augmented" in out and "NOT used" in out
    data = json.loads(cert.read_text())
    assert data["W_out"] is None and data["claims"]["free_weights"] == ["b", "W_out", "b_out"]
    data["W_out"] = ["1", "1"]  # recording the user's W~ with the generic verdict is refused
    cert.write_text(json.dumps(data))
    code, out, _ = run(capsys, "check", str(cert))
    assert code == 1 and "W_out must be free" in out


def test_depth_compare_units_seeing_the_same_input(capsys):
    """Both units see h: the block is h + tanh(h), a diffeomorphism; no singular chart point is claimed."""
    layers = '{"A": [[1],[1]], "V": [[3,-2]], "c": [0,0]}'
    code, out, _ = run(capsys, "depth-compare", "--inputs", "1", "--layers", layers, "--steps", "1", "--json")
    d = json.loads(out)["resnet"]
    assert (
        code == 0 and d["block"]["verdict"] == "diffeomorphism" and d["block"]["singular_chart_point"] is None
    )
    assert d["critical_points_status"] == "none (proved)"


@pytest.mark.parametrize("activation", ["silu", "gelu"])
def test_depth_compare_activation_without_chart(capsys, activation):
    layers = json.dumps({"A": [[1]], "V": [[-2]], "c": [0], "activation": activation})
    code, out, err = run(capsys, "depth-compare", "--inputs", "1", "--layers", layers)
    assert code == 0 and "block: singular" in out and not err
