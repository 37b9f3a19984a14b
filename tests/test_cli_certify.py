"""classify, certify, check, sweep, verify, normal-form on the command line."""

import json

import pytest

from symmorse.cli import main
from symmorse.exact.limits import Outcome


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_classify_text_and_json(capsys):
    code, out, _ = run(capsys, "classify", "3,5,2,4,1")
    assert code == 0 and "bottleneck" in out and "branch k=3: 2 -> 4, degenerate" in out
    code, out, _ = run(capsys, "classify", "2,6,3,5,1", "--json")
    assert [b["kind"] for b in json.loads(out)["branches"]] == ["morse", "null"]


def test_certify_then_check(capsys, tmp_path):
    path = tmp_path / "c.json"
    code, out, _ = run(capsys, "certify", "3,2,5,1", "--out", str(path))
    assert code == 0 and "Morse: fails; status: proved" in out
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.startswith("accepted")
    data = json.loads(path.read_text())
    data["class"] = "augmented"
    path.write_text(json.dumps(data))
    code, out, _ = run(capsys, "check", str(path), "--json")
    assert code == 1 and json.loads(out)["accepted"] is False


def test_certify_json_and_time_limit(capsys):
    code, out, _ = run(capsys, "certify", "2,3,1", "--json")
    assert code == 0 and json.loads(out)["status"] == "proved"
    code, out, _ = run(capsys, "certify", "2,3,1", "--time-limit", "0.000001", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == result["morse"] == result["critical_points"] == "undecided"
    assert result["branches"][0]["status"] == "undecided" and "time limit" in result["branches"][0]["note"]
    assert "witness" not in result["branches"][0]


def test_sweep_and_verify(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "sweep",
        "--max-input",
        "2",
        "--max-hidden-width",
        "2",
        "--max-hidden-layers",
        "1",
        "--activations",
        "tanh",
        "--max-graph-width",
        "1",
        "--max-graph-depth",
        "1",
        "--out",
        str(tmp_path),
        "--workers",
        "1",
    )
    # 6 MLPs, 2 skip MLPs (n0,1,1 --skip 0:out) and 2 ResNets (resnet:n0,1,1)
    assert code == 0 and "10 certificates" in out
    table = (tmp_path / "README.md").read_text()
    assert "| 1,2,1 | tanh | augmented |" in table and "| resnet:2,1,1 | tanh | graph |" in table
    assert "| 2,1,1 --skip 0:out | tanh | graph |" in table
    code, out, _ = run(capsys, "verify", str(tmp_path))
    assert code == 0 and "10 accepted, 0 rejected" in out
    (tmp_path / "bad.json").write_text("[]")
    code, out, _ = run(capsys, "verify", str(tmp_path), "--json")
    assert code == 1 and json.loads(out)["rejected"][0]["file"] == "bad.json"


def test_verify_bundled_catalog(capsys):
    code, out, _ = run(capsys, "verify")
    assert code == 0 and "798 accepted, 0 rejected" in out


def test_normal_form(capsys, tmp_path):
    weights = {
        "widths": [2, 3, 1],
        "activation": "tanh",
        "layers": [{"W": [[1, 2], [2, 4], [-1, -2]], "b": [0, 1, 2]}, {"W": [[1, 1, 1]], "b": [0]}],
    }
    path = tmp_path / "w.json"
    path.write_text(json.dumps(weights))
    code, out, _ = run(capsys, "normal-form", "--weights", str(path))
    assert code == 0 and "identity layer of width 1 inserted" in out and "class: bottleneck" in out
    code, out, _ = run(capsys, "normal-form", "--weights", str(path), "--json")
    assert json.loads(out)["normal_form_widths"] == [2, 1, 3, 1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["classify", "2,0,1"], "width 0"),
        (["classify", "2,3,1", "-a", "relu"], "unknown activation"),
        (["certify", "2,3,2"], "must be 1"),
        (["certify", "2,3,1", "--time-limit", "-1"], "--time-limit must be a finite number of seconds >= 0"),
        (["certify", "2,3,1", "--attempts", "0"], "--attempts must be at least 1"),
        (["certify", "2,3,1", "-a", "poly:z^"], "syntax error"),
        (["check", "no/such/file.json"], "does not exist"),
        (["check", "{bad}"], "not valid JSON"),
        (["check", "{list}"], "JSON object"),
        (["check", "{unknown}"], "unknown certificate format"),
        (["check", "{incomplete}"], "architecture: missing"),
        (["sweep", "--max-input", "0", "--out", "{dir}"], "max_input must be at least 1"),
        (["sweep", "--activations", "relu", "--out", "{dir}"], "unknown activation"),
        (["sweep", "--workers", "-1", "--max-input", "1", "--out", "{dir}"], "--workers"),
        (["verify", "no/such/dir"], "is not a directory"),
        (["verify", "{dir}"], "no certificates"),
        (["normal-form", "--weights", "{symbolic}"], "needs all weights"),
    ],
)
def test_bad_input_exit_2(capsys, tmp_path, argv, message):
    files = {
        "bad": "{",
        "list": "[]",
        "unknown": '{"format": "x"}',
        "incomplete": '{"format": "symmorse-certificate/1"}',
        "symbolic": '{"widths": [2, 3, 1], "parameters": {}}',
    }
    paths = {k: tmp_path / f"{k}.json" for k in files}
    for k, text in files.items():
        paths[k].write_text(text)
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [a.format(dir=empty, **paths) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert message in err and err.startswith("symmorse: error:") and "Traceback" not in err


def test_check_runs_within_limits_and_verify_reads_every_format(capsys, tmp_path, monkeypatch):
    cert = tmp_path / "c.json"
    assert run(capsys, "certify", "2,3,1", "--out", str(cert))[0] == 0
    code, out, _ = run(capsys, "check", str(cert), "--time-limit", "60")
    assert code == 0 and out.startswith("accepted")
    with monkeypatch.context() as patch:  # a check that runs out of time: exit 2, no verdict
        patch.setattr(
            "symmorse.present.catalog.run_limited", lambda *a: Outcome("timeout", "time limit of 1 s reached")
        )
        code, _, err = run(capsys, "check", str(cert), "--time-limit", "1")
    assert code == 2 and "could not be checked: time limit" in err
    assert run(capsys, "eliminate", "1,2,1", "-a", "poly:z**3+z", "--out", str(tmp_path / "e.json"))[0] == 0
    code, out, _ = run(capsys, "verify", str(tmp_path))
    assert code == 0 and "2 accepted, 0 rejected" in out
