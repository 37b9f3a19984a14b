"""Output conventions: --json and --no-progress everywhere, help that says what a file may be, plurals,
progress on standard error only."""

import io
import json
import os
import shutil
import time

import pytest

from symmorse.cli import build_parser, main
from symmorse.exact.words import plural
from symmorse.present import progress as progress_module
from symmorse.present.catalog import bundled_catalog


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _commands():
    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    return sub.choices


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_takes_json_and_no_progress(name):
    options = {o for a in _commands()[name]._actions for o in a.option_strings}
    assert {"--json", "--no-progress"} <= options


@pytest.mark.parametrize("name", ["derive", "normal-form", "latex", "critical-points"])
def test_weights_help_names_every_format(name):
    (weights,) = [a for a in _commands()[name]._actions if "--weights" in a.option_strings]
    assert all(kind in weights.help for kind in ("JSON", ".npz", ".pt"))


def test_derive_json_is_format_json(capsys):
    _, by_format, _ = run(capsys, "derive", "1,2,1", "--format", "json")
    code, by_flag, _ = run(capsys, "derive", "1,2,1", "--json")
    assert code == 0 and json.loads(by_flag) == json.loads(by_format)
    code, out, err = run(capsys, "derive", "1,2,1", "--json", "--format", "latex")
    assert code == 2 and out == "" and "contradict" in err


def test_latex_json(capsys, tmp_path):
    code, out, _ = run(capsys, "latex", "1,1", "--json")
    data = json.loads(out)
    assert code == 0 and data["tex"] is None and data["latex"].endswith("\\end{document}\n")
    code, out, _ = run(capsys, "latex", "1,1", "--json", "-o", str(tmp_path / "a.tex"))
    assert code == 0 and json.loads(out) == {"source": "1,1", "tex": str(tmp_path / "a.tex"), "pdf": None}


@pytest.fixture
def small_catalog(tmp_path):
    for name in ("mlp-1-1-tanh.json", "mlp-2-3-1-tanh.json", "mlp-1-2-1-sigmoid.json"):
        shutil.copy(os.path.join(bundled_catalog(), name), tmp_path)
    return tmp_path


def test_progress_goes_to_stderr_never_into_json(capsys, small_catalog):
    with progress_module._every(0.0):
        code, out, err = run(capsys, "verify", str(small_catalog), "--json", "--jobs", "1")
    assert code == 0 and json.loads(out)["accepted"] == 3
    assert "symmorse: checking: 1/1 (100%)" in err and "done" in err
    with progress_module._every(0.0):
        code, out, err = run(capsys, "verify", str(small_catalog), "--json", "--jobs", "2")
    assert code == 0 and json.loads(out)["accepted"] == 3  # one file a batch, three batches
    assert "symmorse: checking: 3/3 (100%)" in err
    with progress_module._every(0.0):
        code, out, err = run(capsys, "verify", str(small_catalog), "--json", "--no-progress")
    assert code == 0 and json.loads(out)["accepted"] == 3 and err == ""


def test_working_shows_a_long_call_is_running():
    stream = io.StringIO()
    with progress_module._every(0.0), progress_module.working("certify 9,9,1", stream=stream):
        deadline = time.monotonic() + 30
        while not stream.getvalue() and time.monotonic() < deadline:  # wait for the first line
            time.sleep(0.01)
    assert stream.getvalue().startswith("symmorse: certify 9,9,1: working (")
    silent = io.StringIO()
    with progress_module._every(0.0), progress_module.working("x", enabled=False, stream=silent):
        time.sleep(0.05)
    assert silent.getvalue() == ""


def test_counted_nouns_in_command_output(capsys, small_catalog):
    _, out, _ = run(capsys, "verify", str(small_catalog / "mlp-1-1-tanh.json").rsplit("/", 1)[0])
    assert "checked 3 certificates" in out
    (small_catalog / "mlp-2-3-1-tanh.json").unlink()
    (small_catalog / "mlp-1-2-1-sigmoid.json").unlink()
    _, out, _ = run(capsys, "verify", str(small_catalog))
    assert "checked 1 certificate in" in out
    _, out, _ = run(capsys, "derive", "1,1")
    assert "1 input, 2 parameters" in out


def test_plural():
    assert [plural(n, "critical point") for n in (0, 1, 2)] == [
        "0 critical points",
        "1 critical point",
        "2 critical points",
    ]
    assert plural(1, "branch") == "1 branch" and plural(2, "family") == "2 families"


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, so progress uses rich."""

    def isatty(self):
        return True


def test_on_a_terminal_progress_leaves_stdout_alone(capsys):
    """rich's live displays must not capture what the command prints meanwhile (it would go to stderr)."""
    terminal = _Terminal()
    with progress_module.working("certify 2,3,1", stream=terminal):
        print('{"status": "proved"}')
    for _ in progress_module.progress(range(2), 2, "checking", stream=terminal):
        print("row")
    out = capsys.readouterr().out
    assert out == '{"status": "proved"}\nrow\nrow\n' and "proved" not in terminal.getvalue()
