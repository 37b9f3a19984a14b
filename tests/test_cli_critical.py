"""The critical-points command: JSON, table, picture, and bad input (one line, exit 2, no file)."""

import importlib.util
import json
import os

import pytest

from symmorse.cli import main

needs_matplotlib = pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="no matplotlib")
needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="no torch")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SADDLE = {  # Phi = f(x1) - f(x2), f(t) = tanh(t + 1/2) - tanh(t - 1/2): a saddle at the origin
    "widths": [2, 4, 1],
    "activation": "tanh",
    "layers": [
        {"W": [[1, 0], [1, 0], [0, 1], [0, 1]], "b": ["1/2", "-1/2", "1/2", "-1/2"]},
        {"W": [[1, -1, -1, 1]], "b": [0]},
    ],
}
BUMP_1D = {
    "widths": [1, 2, 1],
    "activation": "tanh",
    "layers": [{"W": [[1], [1]], "b": [0, -1]}, {"W": [[1, -1]], "b": [0]}],
}
BOTTLENECK = {
    "widths": [2, 1, 2, 1],
    "activation": "tanh",
    "layers": [
        {"W": [[1, 2]], "b": ["3/10"]},
        {"W": [[1], [-2]], "b": ["1/10", "1/2"]},
        {"W": [[1, 1]], "b": [0]},
    ],
}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data) if isinstance(data, dict) else data)
    return str(path)


def run(capsys, *argv):
    code = main(["critical-points", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_lists_points_with_decimal_centres(tmp_path, capsys):
    code, out, _ = run(capsys, "--weights", write(tmp_path, "w.json", SADDLE), "--box=-3,3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["complete"] is True and data["unresolved"] == []
    [point] = data["points"]
    assert point["index"] == 1 and point["status"] == "unique"
    assert all(isinstance(c, str) and abs(float(c)) < 1e-12 for c in point["center"])


def test_table_output_and_per_axis_boxes(tmp_path, capsys):
    code, out, _ = run(capsys, "--weights", write(tmp_path, "w.json", SADDLE), "--box=-3,3", "--box=-1,2")
    assert code == 0
    assert "index" in out and "unique" in out and "complete: every critical point" in out
    assert "[-3, 3] x [-1, 2]" in out


def test_exact_route_on_polynomial_weights(tmp_path, capsys):
    poly = dict(BUMP_1D, activation="poly:z**3-z")
    code, out, _ = run(capsys, "--weights", write(tmp_path, "w.json", poly), "--json")
    data = json.loads(out)
    assert code == 0 and data["method"] == "exact" and data["box"] is None
    assert all("algebraic" in p for p in data["points"])


def test_time_limit_zero_answers_incomplete(tmp_path, capsys):
    code, out, _ = run(capsys, "--weights", write(tmp_path, "w.json", SADDLE), "--time-limit", "0", "--json")
    data = json.loads(out)
    assert code == 0 and data["complete"] is False and "time limit" in data["unresolved"][0]["reason"]


@needs_matplotlib
@pytest.mark.parametrize("weights", [SADDLE, BUMP_1D, BOTTLENECK])
def test_plot_writes_a_picture(tmp_path, capsys, weights):
    picture = tmp_path / "phi.png"
    argv = ["--weights", write(tmp_path, "w.json", weights), "--box=-2,2", "--plot", str(picture)]
    code, out, err = run(capsys, *argv, "--min-width", "1/8")
    assert code == 0 and picture.stat().st_size > 5000
    assert f"wrote {picture}" in err
    assert "NOT complete" not in out  # the bottleneck's critical lines are certified curves
    assert ("curve of critical points" in out) == (weights is BOTTLENECK)
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".symmorse-")]


@needs_torch
def test_torch_state_dict_from_the_command_line(tmp_path, capsys):
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1))
    torch.save(model.state_dict(), tmp_path / "m.pt")
    code, _, err = run(capsys, "--weights", str(tmp_path / "m.pt"))
    assert code == 2 and "give --activation" in err
    code, out, _ = run(capsys, "--weights", str(tmp_path / "m.pt"), "--activation", "sigmoid", "--json")
    assert code == 0 and json.loads(out)["activation"] == "sigmoid"


BAD = [
    (["--weights", "{missing}.json"], "does not exist"),
    (["--weights", "{malformed}"], "not valid JSON"),
    (["--weights", "{shape}"], "matrix"),
    (["--weights", "{nan}"], "finite"),
    (["--weights", "{saddle}", "--box=3,-3"], "empty or inverted"),
    (["--weights", "{saddle}", "--box=1,1"], "empty or inverted"),
    (["--weights", "{saddle}", "--box=-1,1", "--box=0,1", "--box=0,1"], "gives 3 intervals"),
    (["--weights", "{saddle}", "--box=a,b"], "not a number"),
    (["--weights", "{saddle}", "--box=1"], "LO,HI"),
    (["--weights", "{saddle}", "--time-limit", "-1"], "time-limit"),
    (["--weights", "{saddle}", "--time-limit", "nan"], "time-limit"),
    (["--weights", "{saddle}", "--min-width", "x"], "not a number"),
    (["--weights", "{anonymous}", "--activation", "relu"], "unknown activation"),
    (["--weights", "{saddle}", "--activation", "sigmoid"], "contradicts"),
    (["--weights", "{saddle}", "--method", "exact"], "not algebraic"),
    (["--weights", "{three}", "--plot", "{out}/p.png"], "1 or 2 inputs"),
    (["--weights", "{saddle}", "--plot", "{out}/p.gif"], ".png, .pdf or .svg"),
    (["--weights", "{saddle}", "--plot", "{out}/nodir/p.png"], "does not exist"),
]


@pytest.mark.parametrize("argv,message", BAD)
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, capsys, argv, message):
    files = {
        "missing": str(tmp_path / "missing"),
        "malformed": write(tmp_path, "m.json", '{"widths": [2, 1'),
        "shape": write(
            tmp_path, "s.json", dict(SADDLE, layers=[{"W": [[1, 0, 0]], "b": [0]}, SADDLE["layers"][1]])
        ),
        "nan": write(
            tmp_path,
            "n.json",
            dict(BUMP_1D, layers=[{"W": [[float("nan")], [1]], "b": [0, 0]}, BUMP_1D["layers"][1]]),
        ),
        "saddle": write(tmp_path, "w.json", SADDLE),
        "anonymous": write(tmp_path, "a.json", {k: v for k, v in SADDLE.items() if k != "activation"}),
        "three": write(
            tmp_path,
            "t.json",
            {
                "widths": [3, 1, 1],
                "activation": "tanh",
                "layers": [{"W": [[1, 1, 1]], "b": [0]}, {"W": [[1]], "b": [0]}],
            },
        ),
        "out": str(tmp_path),
    }
    before = set(os.listdir(tmp_path))
    code, out, err = run(capsys, *[a.format(**files) for a in argv], "--out", str(tmp_path / "result.txt"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("symmorse: error:") and message in err
    assert set(os.listdir(tmp_path)) == before


@needs_torch
def test_unknown_torch_module_is_named(tmp_path, capsys):
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ELU(), torch.nn.Linear(3, 1))
    torch.save(model, tmp_path / "m.pt")
    code, _, err = run(capsys, "--weights", str(tmp_path / "m.pt"))
    assert code == 2 and "ELU" in err and err.count("\n") == 1


def test_unwritable_out_fails_before_the_picture_is_drawn(tmp_path, capsys):
    weights = write(tmp_path, "w.json", SADDLE)
    before = set(os.listdir(tmp_path))
    argv = ["--weights", weights, "--plot", str(tmp_path / "p.png"), "--out", str(tmp_path / "no" / "r.txt")]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "directory does not exist" in err
    assert set(os.listdir(tmp_path)) == before


def test_the_table_bounds_each_box_width_from_above(tmp_path, capsys):
    """The short widths printed under each point are upper bounds of the certified box's widths."""
    from fractions import Fraction

    path = write(tmp_path, "saddle.json", SADDLE)
    code, out, _ = run(capsys, "--weights", path, "--box=-2,2")
    assert code == 0
    shown = [
        line.split("<= (")[1].rstrip(")").split(", ") for line in out.splitlines() if "widths <=" in line
    ]
    code, out, _ = run(capsys, "--weights", path, "--box=-2,2", "--json")
    boxes = [p["box"] for p in json.loads(out)["points"]]
    assert len(shown) == len(boxes) == 1
    for bounds, box in zip(shown, boxes):
        for bound, (lo, hi) in zip(bounds, box):
            assert Fraction(bound) >= Fraction(hi) - Fraction(lo) > 0


def test_progress_shows_the_volume_resolved_on_standard_error(tmp_path, capsys, monkeypatch):
    from symmorse.present import progress

    monkeypatch.setattr(progress, "FIRST", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.0)
    rng = __import__("random").Random(1)
    layers = [
        {"W": [[f"{rng.randint(-24, 24)}/8" for _ in range(a)] for _ in range(b)], "b": ["1/4"] * b}
        for a, b in ((3, 6), (6, 6), (6, 1))
    ]
    weights = write(tmp_path, "w.json", {"widths": [3, 6, 6, 1], "activation": "tanh", "layers": layers})
    code, out, err = run(capsys, "--weights", weights, "--box=-3,3", "--time-limit", "1", "--json")
    assert code == 0 and json.loads(out)["resolved"] < 1  # standard output stays JSON
    assert "symmorse: critical-points: " in err and "% of the volume resolved" in err
    code, _, err = run(capsys, "--weights", weights, "--time-limit", "0", "--no-progress")
    assert code == 0 and "volume resolved" not in err
