"""The proof catalog: reproducible, complete for its bounds, all accepted."""

import filecmp
import json
import os

import pytest

from symmorse.exact.errors import InputError
from symmorse.present.catalog import (
    build_catalog,
    bundled_catalog,
    catalog_architectures,
    catalog_graphs,
    certificate_filename,
    sweep,
    verify,
)


def test_the_bundled_catalog_has_every_architecture_within_the_bounds():
    files = set(os.listdir(bundled_catalog()))
    for architecture in [*catalog_architectures(3, 4, 3), *catalog_graphs(3, 3, 2)]:
        for activation in ("tanh", "sigmoid"):
            assert certificate_filename(architecture, activation) in files
    assert "README.md" in files and len(files) == 2 + 2 * (255 + 144)  # and __init__.py


def test_the_bundled_catalog_is_reproducible(tmp_path):
    """Regenerating part of the catalog gives the same bytes: it is up to date with the code."""
    sample = [[1, 2, 1], [2, 3, 1], [3, 2, 4, 1], [3, 4, 2, 3, 1], [2, 1, 3, 1]]
    sample += ["2,3,1 --skip 0:out", "3,1,2,1 --skip 0:out", "resnet:1,1,1", "resnet:2,2,1", "resnet:3,2,1,3"]
    sweep(sample, ["tanh", "sigmoid"], str(tmp_path), workers=2, show_progress=False)
    for ws in sample:
        for activation in ("tanh", "sigmoid"):
            name = certificate_filename(ws, activation)
            assert filecmp.cmp(tmp_path / name, os.path.join(bundled_catalog(), name), shallow=False)


def test_verify_reports_rejected_and_unreadable_files(tmp_path):
    sweep([[2, 3, 1]], ["tanh"], str(tmp_path), show_progress=False)
    name = certificate_filename([2, 3, 1], "tanh")
    data = json.loads((tmp_path / name).read_text())
    data["morse"] = "fails"
    (tmp_path / "tampered.json").write_text(json.dumps(data))
    (tmp_path / "broken.json").write_text("{")
    check = verify(str(tmp_path), show_progress=False)
    results = {v.file: v.result for v in check.results}
    assert results[name].accepted
    assert not results["tampered.json"].accepted
    assert results["broken.json"].reason.startswith("unreadable")
    assert [v.file for v in check.rejected] == ["broken.json", "tampered.json"]
    assert check.to_json()["checked"] == 3 and check.to_json()["accepted"] == 1
    lines = check.summary().splitlines()
    assert lines[-3] == f"checked 3 certificates in {tmp_path}: 1 accepted, 2 rejected"
    assert lines[-1].startswith("  rejected tampered.json: ")


def test_build_catalog_refuses_what_it_cannot_build(tmp_path):
    with pytest.raises(InputError, match="--activations needs at least one activation"):
        build_catalog(str(tmp_path), [" ", ""])
    with pytest.raises(InputError, match="--families takes mlp, skip and resnet, got 'mlp,cnn'"):
        build_catalog(str(tmp_path), ["tanh"], ["mlp", "cnn"])
    catalog = build_catalog(str(tmp_path / "new"), ["tanh"], ["resnet"], 1, 1, 1, 1, 1, show_progress=False)
    assert [r.architecture for r in catalog.rows] == ["resnet:1,1,1"]
    assert (
        catalog.summary()
        == f"1 certificate in {tmp_path / 'new'} (1 proved, 0 undecided); table: {catalog.table}"
    )


def test_verify_rechecks_a_failed_batch_file_by_file(tmp_path, monkeypatch):
    """A batch that runs out of limits is split: the good files are still accepted, the culprit is named."""
    from symmorse.exact import limits
    from symmorse.present import catalog

    sweep([[2, 3, 1], [1, 2, 1]], ["tanh"], str(tmp_path), show_progress=False)
    real = limits.run_limited

    def limited(function, args, seconds):
        directory, names = args
        if len(names) > 1 or names == [certificate_filename([1, 2, 1], "tanh")]:
            return limits.Outcome("memory", "memory limit reached")
        return real(function, args, seconds)

    monkeypatch.setattr(catalog, "run_limited", limited)
    results = {v.file: v.result for v in verify(str(tmp_path), show_progress=False).results}
    assert results[certificate_filename([2, 3, 1], "tanh")].accepted
    bad = results[certificate_filename([1, 2, 1], "tanh")]
    assert not bad.accepted and bad.reason == "not checked: memory limit reached"


def test_parallel_verify_gives_the_serial_results_in_the_serial_order(tmp_path):
    """--jobs spreads balanced batches over workers; results and order are those of one worker."""
    import shutil

    source = bundled_catalog()
    names = sorted(f for f in os.listdir(source) if f.endswith(".json"))[::9]  # every family, some sizes
    for name in names:
        shutil.copy(os.path.join(source, name), tmp_path)
    data = json.loads((tmp_path / names[0]).read_text())
    data["critical_points"] = "none" if data["critical_points"] == "generic" else "generic"
    (tmp_path / names[0]).write_text(json.dumps(data))
    (tmp_path / "broken.json").write_text("{")
    serial = verify(str(tmp_path), show_progress=False)
    parallel = verify(str(tmp_path), show_progress=False, jobs=2)
    assert [v.file for v in serial.results] == sorted([*names, "broken.json"])
    assert [(v.file, v.result) for v in parallel.results] == [(v.file, v.result) for v in serial.results]
    assert [v.file for v in parallel.rejected] == sorted(["broken.json", names[0]])
    with pytest.raises(InputError, match="--jobs must be at least 1"):
        verify(str(tmp_path), jobs=0)


def test_parallel_batches_are_balanced_and_cover_every_file():
    from symmorse.present.catalog import _batches

    source = bundled_catalog()
    files = sorted(f for f in os.listdir(source) if f.endswith(".json"))
    batches = _batches(source, files, 2)
    assert sorted(f for b in batches for f in b) == files and len(batches) >= 8
    loads = [sum(os.path.getsize(os.path.join(source, f)) for f in b) for b in batches]
    assert loads == sorted(loads, reverse=True)  # heaviest first
    assert max(loads) - min(loads) <= max(os.path.getsize(os.path.join(source, f)) for f in files)
    assert max(len(b) for b in batches) <= 64
