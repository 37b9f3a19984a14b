"""The kernel's dispatcher (``symmorse.kernel.check_certificate``, ``check_path``): an unknown format is
refused naming the known ones, a kernel that fails is answered "not checked" and never accepted, and
``check_path`` checks the file it read.  Written against surviving mutants (``docs/mutation-testing.md``).
"""

import json
import os

import pytest

from symmorse import kernel
from symmorse.exact.errors import CertificateError
from symmorse.kernel import check_certificate, check_path
from symmorse.present.catalog import bundled_catalog

KNOWN = (
    "symmorse-certificate/1, symmorse-critical/1, symmorse-elimination/1, symmorse-node/1, symmorse-strata/1"
)


def bundled(name: str = "mlp-2-3-1-tanh.json") -> str:
    return os.path.join(bundled_catalog(), name)


def test_an_unknown_format_is_refused_naming_the_known_ones(monkeypatch):
    with pytest.raises(CertificateError) as info:
        check_certificate({"format": "symmorse-certificate/9"})
    assert str(info.value) == f"unknown certificate format 'symmorse-certificate/9' (known: {KNOWN})"
    monkeypatch.setattr(kernel, "FORMATS", {})
    with pytest.raises(CertificateError) as info:
        check_certificate({"format": "x"})
    assert str(info.value) == "unknown certificate format 'x' (known: none)"


def test_a_certificate_must_be_an_object():
    with pytest.raises(CertificateError) as info:
        check_certificate([{"format": "symmorse-certificate/1"}])
    assert str(info.value) == "a certificate must be a JSON object"


@pytest.mark.parametrize("error", [ValueError("bad digits"), ZeroDivisionError("x/0"), KeyError("w")])
def test_a_kernel_that_fails_answers_not_checked_never_accepted(monkeypatch, error):
    with open(bundled(), encoding="utf-8") as fh:
        data = json.load(fh)

    def failing(certificate):
        assert certificate is data
        raise error

    from symmorse.kernel import layered

    monkeypatch.setattr(layered, "check_mlp_certificate", failing)  # FORMATS looks it up on each check
    result = check_certificate(data)
    assert result.accepted is False
    assert result.reason == f"not checked: the kernel failed on this input ({type(error).__name__}: {error})"


def test_check_path_checks_the_certificate_it_read(tmp_path):
    data, result = check_path(bundled())
    with open(bundled(), encoding="utf-8") as fh:
        assert data == json.load(fh)
    assert result.accepted is True
    tampered = tmp_path / "tampered.json"
    data["critical_points"] = "none" if data["critical_points"] != "none" else "generic"
    tampered.write_text(json.dumps(data), encoding="utf-8")
    again, result = check_path(str(tampered))
    assert again == data
    assert result.accepted is False
