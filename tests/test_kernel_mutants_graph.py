"""The strata kernel (``symmorse.kernel.graph``) answer by answer: the full reason for every tampering of
``test_strata``, the accept texts, and refusals of malformed graphs naming the node or edge.  Written
against the surviving mutants of ``tools/mutation.py`` (``docs/mutation-testing.md``).
"""

import json

import pytest

from symmorse.exact.errors import CertificateError
from symmorse.kernel import graph

from .test_strata import TAMPERS, _source


def answer(cert: object) -> str:
    """``accepted: ...``, ``rejected: ...`` or ``refused: ...`` (CertificateError)."""
    try:
        result = graph.check_strata_certificate(cert)
    except CertificateError as exc:
        return f"refused: {exc}"
    return f"{ {True: 'accepted', False: 'rejected'}[result.accepted] }: {result.reason}"


#: The full answer of the strata kernel to each tampering of ``test_strata.TAMPERS`` (which checks a part).
TAMPERED_ANSWERS = {
    "null family claimed morse": (
        "rejected: stratum 9 (cancelling ['h3_4']): the block rule proves another kind"
    ),
    "cut family claimed empty": ("rejected: stratum 1 (cancelling ['h1_5']): unknown claim"),
    "morse claimed degenerate": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): c = 3 does not give degenerate"
    ),
    "degenerate claimed morse": (
        "rejected: stratum 8 (cancelling ['h2_1', 'h2_2']): c = 2 does not give morse"
    ),
    "morse stratum dropped": ("rejected: the stratum with cancelling nodes ['x1', 'x2', 'x3'] is missing"),
    "cut family dropped": (
        "rejected: the stratum with cancelling nodes ['h1_5', 'x1', 'x2', 'x3'] is missing"
    ),
    "block family dropped": (
        "rejected: the stratum with cancelling nodes ['h3_4', 'x1', 'x2', 'x3'] is missing"
    ),
    "extra entry, decided changed": ("rejected: 1 listed strata are not strata of this graph"),
    "extra entry, cancelling changed": ("rejected: 1 listed strata are not strata of this graph"),
    "witness off its dead set": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): the adjoint of x1 does not fit the dead set"
    ),
    "dead set changed": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): the dead set is ['x1', 'x2', 'x3']"
    ),
    "det claim changed": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): det Hess Phi is "
        "-82064457389019778346078727330262903425/46176543282391693538556916006912"
    ),
    "rank claim changed": ("rejected: stratum 8 (cancelling ['h2_1', 'h2_2']): rank is 2"),
    "singular block assignment": (
        "rejected: stratum 9 (cancelling ['h3_4']): the block has rank < |B| at the assignment"
    ),
    "paths not disjoint": ("rejected: stratum 1 (cancelling ['h1_5']): paths must be disjoint and undecided"),
    "path cut short": ("rejected: stratum 5 (cancelling ['h1_1']): bad path ends"),
    "a path dropped": ("rejected: stratum 1 (cancelling ['h1_5']): 1 + 2 cancellations do not exceed n0 = 3"),
    "cut that does not separate": (
        "rejected: stratum 0 (cancelling ['x1', 'x2']): the cut does not separate the inputs from N"
    ),
    "cut emptied, kappa kept": (
        "rejected: stratum 0 (cancelling ['x1', 'x2']): kappa is not the size of the cut"
    ),
    "critical points flipped": ("rejected: critical_points = 'none' does not follow (proved: generic)"),
    "none flipped": ("rejected: critical_points = 'generic' does not follow (proved: none)"),
    "morse flipped": ("rejected: morse = 'generic' does not follow (proved: fails)"),
    "status flipped": ("rejected: status 'undecided' does not match the verdicts"),
    "dimension changed": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): dim C_Z = p + n0 - c = 49"),
    "c_free changed": ("rejected: stratum 9 (cancelling ['h3_4']): c, c_free or complete wrong"),
    "c changed": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): c, c_free or complete wrong"),
    "edge removed": ("rejected: p = 48, n0 = 3"),
    "edge removed, p adjusted": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): weights do not fit"),
    "weight fixed": ("rejected: p = 48, n0 = 3"),
    "weight fixed, p adjusted": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): the weight x1->h1_1 is fixed to 5"
    ),
}
SOURCE_ANSWERS = {
    "3,5,2,4,1": "accepted: accepted: 13 entries (strata and families), 2 witnesses verified",
    "resnet:2,2,1": "accepted: accepted: 7 entries (strata and families), 0 witnesses verified",
}


@pytest.mark.parametrize("source", sorted(SOURCE_ANSWERS))
def test_the_accept_texts(source):
    assert answer(json.loads(_source(source))) == SOURCE_ANSWERS[source]


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampered_certificates_get_the_full_reason(name):
    source, tamper, part = TAMPERS[name]
    data = json.loads(_source(source))
    tamper(data)
    assert part in TAMPERED_ANSWERS[name]
    assert answer(data) == TAMPERED_ANSWERS[name]
