"""The layers, as import-linter contracts (pyproject.toml): kept by the code, and able to fail."""

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINT = pathlib.Path(sys.executable).with_name("lint-imports")


def lint(root: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_contracts_are_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module, line, broken",
    [
        ("kernel/graph.py", "from symmorse.search import strata", "The trusted kernel imports only"),
        ("kernel/base.py", "import numpy", "The trusted kernel imports only"),
        ("model/network.py", "from symmorse.present import latex", "Layers point one way"),
        ("search/certify.py", "from symmorse import kernel", "Layers point one way"),
        ("exact/numbers.py", "from symmorse.model import activations", "Layers point one way"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, broken):
    """A copy of the package with one import against the layers: lint-imports names the contract."""
    shutil.copytree(ROOT / "symmorse", tmp_path / "symmorse")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / "symmorse" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
