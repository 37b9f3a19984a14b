"""Start-up: --help and usage errors import none of the heavy libraries (no timing assertions)."""

import json
import subprocess
import sys

import pytest

from symmorse.cli import ACTIVATION_NAMES
from symmorse.model.activations import activation_names

HEAVY = ("sympy", "flint", "networkx", "mpmath", "numpy", "rich", "matplotlib", "torch")
HEAVY += ("dask", "distributed")  # imported only for --scheduler

PROBE = """
import json, sys
from symmorse.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, sorted(m for m in {heavy!r} if m in sys.modules)]), file=sys.stderr)
"""


def _imports(*argv):
    """Exit code and which heavy modules ``symmorse ARGV`` imported, from a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], capture_output=True, text=True, check=False
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "argv, code",
    [
        (["--help"], 0),
        (["certify", "--help"], 0),
        (["sweep", "--help"], 0),
        (["--version"], 0),
        ([], 2),
        (["no-such-command"], 2),
        (["certify"], 2),
        (["sweep", "--max-input", "x", "--out", "d"], 2),
    ],
)
def test_help_and_usage_errors_import_no_computer_algebra(argv, code):
    assert _imports(*argv) == [code, []]


def test_python_m_symmorse_help_imports_no_sympy():
    probe = "import runpy, sys; sys.argv = ['symmorse', '--help']\ntry:\n    runpy.run_module('symmorse')\n"
    probe += "except SystemExit:\n    pass\nprint('sympy' in sys.modules, file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert "usage: symmorse" in done.stdout and done.stderr.strip() == "False"


def test_a_command_still_imports_what_it_needs():
    code, modules = _imports("classify", "2,3,1")
    assert code == 0 and "sympy" in modules and "networkx" in modules


def test_the_help_text_names_every_activation():
    assert list(ACTIVATION_NAMES) == activation_names()
