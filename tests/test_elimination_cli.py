"""``symmorse eliminate`` and ``symmorse check``: outputs, exit codes, no half-written files."""

import json
import time

from symmorse.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eliminate_writes_a_certificate_that_check_accepts(capsys, tmp_path):
    target = tmp_path / "e.json"
    code, out, _ = run(capsys, "eliminate", "1,2,1", "-a", "poly:z**3+z", "--out", str(target))
    assert code == 0 and "measure-zero" in out and "certified:" in out
    cert = json.loads(target.read_text())
    assert cert["format"] == "symmorse-elimination/1"
    code, out, _ = run(capsys, "check", str(target))
    assert code == 0 and out.startswith("accepted")
    code, out, _ = run(capsys, "check", str(target), "--json")
    assert code == 0 and json.loads(out)["accepted"] is True


def test_check_rejects_a_tampered_certificate_with_exit_1(capsys, tmp_path):
    code, out, _ = run(capsys, "eliminate", "1,2,1", "-a", "poly:z**3+z", "--json")
    cert = json.loads(out)
    cert["value"] = cert["value"] + "1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(cert))
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1 and out.startswith("rejected") and "P(point)" in out


def test_forced_degeneracy_is_reported_with_exit_0(capsys):
    code, out, _ = run(capsys, "eliminate", "1,1,1", "-a", "poly:z**3")
    assert code == 0 and "forced" in out and "no P != 0 exists" in out


def test_bad_input_exits_2_without_output_file(capsys, tmp_path):
    target = tmp_path / "never.json"
    cases = [
        (["1,2,1", "-a", "tanh"], "polynomial activation"),
        (["1,2,1", "-a", "poly:sin(z)"], "sin"),
        (["3,2,1", "-a", "poly:z**2"], "input width 1 or 2"),
        (["1,3,3,3,1", "-a", "poly:z**3"], "supports at most 9"),
        (["1,2,1", "-a", "poly:z**2", "--time-limit", "-1"], ">= 0"),
    ]
    for argv, message in cases:
        code, _, err = run(capsys, "eliminate", *argv, "--out", str(target))
        assert code == 2 and message in err and err.count("\n") == 1
        assert not target.exists()


def test_check_unreadable_input_exits_2(capsys, tmp_path):
    for content, message in [
        ("{not json", "not valid JSON"),
        ('{"format": "x"}', "unknown certificate format"),
    ]:
        path = tmp_path / "c.json"
        path.write_text(content)
        code, _, err = run(capsys, "check", str(path))
        assert code == 2 and message in err
    code, _, err = run(capsys, "check", str(tmp_path / "missing.json"))
    assert code == 2 and "does not exist" in err


def test_time_limit_answers_undecided_with_exit_0(capsys):
    start = time.monotonic()
    code, out, _ = run(capsys, "eliminate", "2,3,1", "-a", "poly:z**3+z", "--time-limit", "1", "--json")
    assert code == 0 and time.monotonic() - start < 10
    data = json.loads(out)
    assert data["verdict"] == "undecided" and "time limit" in data["reason"] and "format" not in data
