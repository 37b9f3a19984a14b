"""No surprises on disk: sweep needs a folder and will not overwrite one; files get the umask's mode."""

import json
import os
import shutil
import stat
import subprocess

import pytest

from symmorse.cli import main
from symmorse.model.io import write_atomic

TINY = ["--max-input", "1", "--max-hidden-width", "1", "--max-hidden-layers", "0", "--activations", "tanh"]
TINY += ["--families", "mlp", "--workers", "1", "--no-progress"]


def _git(cwd, *argv):
    return subprocess.run(["git", *argv], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A git checkout holding a catalog README, as the symmorse source tree does; the cwd."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "README.md").write_text("# the shipped catalog\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "catalog")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_sweep_without_out_or_into_a_full_folder_writes_nothing(repository, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", *TINY])
    assert exc.value.code == 2 and "--out" in capsys.readouterr().err
    assert main(["sweep", *TINY, "--out", "proofs"]) == 2
    err = capsys.readouterr().err
    assert "'proofs' is not empty" in err and "--force" in err and "Traceback" not in err
    assert _git(repository, "status", "--porcelain", "--untracked-files=all") == ""
    assert (repository / "proofs" / "README.md").read_text() == "# the shipped catalog\n"


def test_sweep_into_a_new_folder_and_force(repository, capsys):
    assert main(["sweep", *TINY, "--out", "new"]) == 0
    assert "1 certificate in new" in capsys.readouterr().out
    assert sorted(os.listdir("new")) == ["README.md", "mlp-1-1-tanh.json"]
    assert main(["sweep", *TINY, "--out", "new"]) == 2  # now it is not empty
    assert main(["sweep", *TINY, "--out", "new", "--force"]) == 0
    assert _git(repository, "status", "--porcelain") == "?? new/\n"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_mode_the_umask_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_atomic(str(tmp_path / "out.json"), "{}")
        assert main(["certify", "1,1", "--out", str(tmp_path / "c.json")]) == 0
    finally:
        os.umask(old)
    for name in ("out.json", "c.json"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == mode
    assert sorted(os.listdir(tmp_path)) == ["c.json", "out.json"]  # no temporary file left behind


def test_sweep_files_are_world_readable_under_umask_022(tmp_path):
    old = os.umask(0o022)
    try:
        assert main(["sweep", *TINY, "--out", str(tmp_path / "cat")]) == 0
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(os.stat(tmp_path / "cat" / f).st_mode) for f in os.listdir(tmp_path / "cat")}
    assert modes == {0o644}


def test_sweep_json_summary(tmp_path, capsys):
    assert main(["sweep", *TINY, "--out", str(tmp_path / "cat"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["certificates"] == data["proved"] == 1 and data["undecided"] == 0
    assert data["rows"] == [
        {
            "file": "mlp-1-1-tanh.json",
            "architecture": "1,1",
            "activation": "tanh",
            "class": "non-augmented",
            "branches": "none",
            "critical_points": "none",
            "morse": "generic",
            "status": "proved",
        }
    ]
