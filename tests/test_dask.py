"""sweep and verify on a Dask cluster (a LocalCluster in this process): the same files and results as the
local pool, the progress bar fed by the futures, and clear errors (exit 2, nothing written)."""

import json
import os
import socket
import subprocess
import sys

import pytest

distributed = pytest.importorskip("distributed")

from symmorse import __version__  # noqa: E402
from symmorse.cli import main  # noqa: E402
from symmorse.exact.errors import InputError  # noqa: E402
from symmorse.present import cluster as cluster_module  # noqa: E402
from symmorse.present.catalog import build_catalog, certificate_filename, verify  # noqa: E402
from symmorse.present.cluster import connect  # noqa: E402
from symmorse.present.progress import _every  # noqa: E402

#: A small catalog: 14 MLPs, 2 MLPs with skips and 2 ResNets, for tanh and sigmoid.
FAMILY = dict(
    activations=["tanh", "sigmoid"],
    max_input=2,
    max_hidden_width=2,
    max_hidden_layers=2,
    max_graph_width=1,
    max_graph_depth=1,
)


@pytest.fixture(scope="module")
def scheduler():
    """The address of a LocalCluster of 2 worker processes, as a user would give a real one."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def _files(folder):
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))}


def test_sweep_and_verify_on_a_cluster_give_the_same_files_and_results(scheduler, tmp_path, capsys):
    local = build_catalog(str(tmp_path / "local"), workers=2, show_progress=False, **FAMILY)
    with _every(0.0):  # plain progress lines at every finished future
        remote = build_catalog(str(tmp_path / "dask"), scheduler=scheduler, **FAMILY)
    assert len(local.rows) == 36 and remote.rows == local.rows
    assert _files(tmp_path / "dask") == _files(tmp_path / "local")  # every certificate and the README
    lines = capsys.readouterr().err.splitlines()  # one line per finished future: a batch of certificates
    counts = [int(line.split(": ")[2].split("/")[0]) for line in lines[:-1]]
    assert len(counts) > 8 and counts == sorted(counts) and lines[-2] == "symmorse: certifying: 36/36 (100%)"
    assert lines[-1].startswith("symmorse: certifying: done, 36 in ")

    folder = tmp_path / "local"  # a rejected and an unreadable file beside the good ones
    data = json.loads((folder / certificate_filename([2, 2, 1], "tanh")).read_text())
    data["morse"] = "fails" if data["morse"] == "generic" else "generic"
    (folder / "tampered.json").write_text(json.dumps(data))
    (folder / "broken.json").write_text("{")
    by_pool = verify(str(folder), show_progress=False, jobs=2)
    on_cluster = verify(str(folder), show_progress=False, scheduler=scheduler)
    assert on_cluster.results == by_pool.results and len(on_cluster.results) == 38
    assert [v.file for v in on_cluster.rejected] == ["broken.json", "tampered.json"]
    assert on_cluster.summary() == by_pool.summary() and on_cluster.to_json() == by_pool.to_json()


def test_the_command_line_with_local_workers(tmp_path, capsys):
    """``--scheduler local:2`` starts a LocalCluster: the same output as ``--jobs 2``."""
    build_catalog(str(tmp_path), ["tanh"], ["mlp"], 2, 2, 1, show_progress=False)
    assert main(["verify", str(tmp_path), "--jobs", "2", "--no-progress"]) == 0
    by_pool = capsys.readouterr()
    assert main(["verify", str(tmp_path), "--scheduler", "local:2", "--no-progress"]) == 0
    on_cluster = capsys.readouterr()
    assert on_cluster.out == by_pool.out and "checked 6 certificates" in on_cluster.out
    assert "Traceback" not in on_cluster.err


def _free_address():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"tcp://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there once it is closed


@pytest.mark.parametrize("command", ["sweep", "verify"])
def test_a_scheduler_that_cannot_be_reached_is_exit_2_and_nothing_is_written(
    command, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    address = _free_address()
    out = tmp_path / "new"
    if command == "sweep":
        argv = ["sweep", "--out", str(out), "--families", "mlp", "--max-input", "1"]
    else:
        build_catalog(str(out), ["tanh"], ["mlp"], 1, 1, 0, show_progress=False)
        argv = ["verify", str(out)]
    before = sorted(tmp_path.rglob("*"))
    assert main([*argv, "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err == f"symmorse: error: cannot reach the Dask scheduler at {address!r}: " + err.split(": ", 3)[3]
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert sorted(tmp_path.rglob("*")) == before  # sweep did not even create the folder


@pytest.mark.parametrize(
    "address, message",
    [
        ("local:0", "--scheduler local:N needs a number of workers N >= 1, got 'local:0'"),
        ("nonsense", "cannot reach the Dask scheduler at 'nonsense': missing port number"),
        (" ", "--scheduler needs an address such as tcp://host:8786, or local:N"),
    ],
)
def test_malformed_addresses_are_refused(address, message, tmp_path, capsys):
    assert main(["sweep", "--out", str(tmp_path / "new"), "--scheduler", address]) == 2
    assert capsys.readouterr().err.startswith(f"symmorse: error: {message}")
    assert not (tmp_path / "new").exists()


def test_without_dask_the_error_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    assert main(["sweep", "--out", str(tmp_path / "new"), "--scheduler", "local:2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symmorse: error: --scheduler needs Dask distributed (")
    assert err.rstrip().endswith("pip install 'symmorse[dask]'") and len(err.splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_workers_must_run_this_version_and_see_the_folder(scheduler, monkeypatch, tmp_path):
    import symmorse

    with connect(scheduler) as pool:
        assert pool.workers == 2
        pool.check_shared_folder(str(tmp_path))
        with pytest.raises(InputError, match=r"is not a folder on the Dask worker\(s\) tcp://"):
            pool.check_shared_folder(str(tmp_path / "missing"))
    monkeypatch.setattr(symmorse, "__version__", "0.0.0")
    wrong = f"2 Dask worker.* do not run symmorse 0.0.0 .*symmorse {__version__}"
    with pytest.raises(InputError, match=wrong), connect(scheduler):
        pass


def test_a_local_sweep_does_not_import_dask(tmp_path):
    probe = (
        "import sys; from symmorse.cli import main; "
        f"main(['sweep', '--out', {str(tmp_path / 'new')!r}, '--families', 'mlp', '--max-input', '1', "
        "'--max-hidden-layers', '0', '--workers', '1', '--no-progress']); "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
