"""The elimination route and the certification route agree where both apply (issue 7, item 3).

For strictly monotone polynomial activations the certificate route proves ``morse: generic``
(or no critical points at all); elimination must then find a non-zero degeneracy polynomial,
never forced degeneracy.  For sigma = z^3, whose derivative vanishes at 0, the certificate
route cannot apply (``undecided``) and elimination shows the degeneracy is forced.
"""

import json

import pytest

from symmorse.kernel import check_certificate
from symmorse.search.certify import certify
from symmorse.search.elimination import eliminate


@pytest.mark.parametrize("arch", ["1,2,1", "1,3,1", "2,2,1", "1,1,1,1"])
def test_monotone_polynomials_both_routes_say_degeneracy_is_null(arch):
    cert = certify(arch, "poly:z**3+z")
    assert cert.status == "proved" and cert.morse == "generic"
    result = eliminate(arch, "poly:z**3+z", time_limit=60).to_json()
    assert result["verdict"] == "measure-zero"
    assert check_certificate(json.loads(json.dumps(result))).accepted


@pytest.mark.parametrize("arch", ["1,1,1", "2,2,1"])
def test_cube_forces_degeneracy_where_the_theorem_does_not_apply(arch):
    cert = certify(arch, "poly:z**3")
    assert cert.status == "undecided" and "sigma' > 0" in cert.reasons[0]
    result = eliminate(arch, "poly:z**3", time_limit=60).to_json()
    assert result["verdict"] == "forced"
    assert check_certificate(json.loads(json.dumps(result))).accepted


@pytest.mark.parametrize("arch, activation", [("1,2,1", "poly:z**2"), ("2,3,1", "poly:z**2+z")])
def test_elimination_still_answers_for_non_monotone_activations(arch, activation):
    # Phi is a quadratic in x with Hess Phi = 2 W1^T diag(w2) W1, of full rank for generic
    # weights (n1 >= n0): degeneracy is confined to a null set although sigma' > 0 fails.
    assert certify(arch, activation).status == "undecided"
    result = eliminate(arch, activation, time_limit=60).to_json()
    assert result["verdict"] == "measure-zero"
    assert check_certificate(json.loads(json.dumps(result))).accepted
