"""Certification: verdicts, witnesses that really are critical points, reproducibility."""

import json

import flint
import networkx as nx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.kernel import check_certificate
from symmorse.model.activations import get_activation
from symmorse.model.architecture import from_graph, layers, mlp
from symmorse.model.network import Network, structured_derivatives
from symmorse.search.certify import ChartPoint, certify, chart_derivatives, witness_weights

from .helpers import strata_witnesses_hold, witness_claims_hold

MONOTONE = ["tanh", "sigmoid", "softplus", "arctan", "poly:z**3+z"]


@pytest.mark.parametrize(
    "arch, kind, critical, morse",
    [
        ("2,3,1", "augmented", "generic", "generic"),
        ("3,2,5,1", "bottleneck", "generic", "fails"),
        ("3,5,2,4,1", "bottleneck", "generic", "fails"),
        ("2,6,3,5,1", "augmented", "generic", "generic"),
        ("4,3,2,1", "non-augmented", "none", "generic"),
    ],
)
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_the_named_verdicts_are_proved_and_checked(arch, kind, critical, morse, activation):
    cert = certify(arch, activation)
    assert (cert.classification.kind, cert.critical_points, cert.morse, cert.status) == (
        kind,
        critical,
        morse,
        "proved",
    )
    data = json.loads(json.dumps(cert.to_json()))
    assert check_certificate(data).accepted
    if arch == "3,5,2,4,1":
        assert [(b["kind"], b["status"]) for b in data["branches"]] == [
            ("morse", "witness"),
            ("degenerate", "witness"),
        ]
    if arch == "2,6,3,5,1":
        assert [b["kind"] for b in data["branches"]] == ["morse", "null"]


@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=4).map(lambda ws: ws + [1]),
    st.sampled_from(MONOTONE),
    st.integers(0, 1000),
)
def test_random_architectures_certify_and_check(ws, activation, seed):
    cert = certify(ws, activation, seed=seed)
    data = json.loads(json.dumps(cert.to_json()))
    result = check_certificate(data)
    assert result.accepted, result.reason
    assert cert.status == "proved"  # strictly monotone activations always get a witness here
    assert (cert.critical_points == "none") == (cert.classification.kind == "non-augmented")


@pytest.mark.parametrize("arch", ["1,2,1", "2,3,1", "3,5,2,4,1", "3,2,5,1", "2,1,3,1"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus"])
def test_witness_claims_hold_by_sympys_route(arch, activation):
    """Substitute the witness (biases like atanh(1/2) - 3/5) into Phi: grad Phi = 0 exactly,
    and the determinant and rank claims hold for SymPy's Hessians."""
    data = certify(arch, activation).to_json()
    assert all(b["status"] == "witness" for b in data["branches"] if b["kind"] != "null")
    assert witness_claims_hold(data)


@pytest.mark.parametrize("ws", [[2, 3, 1], [3, 2, 4, 1], [2, 3, 3, 2, 1]])
@pytest.mark.parametrize("activation", ["sigmoid", "arctan"])
def test_matrix_path_equals_the_generic_structured_derivatives(ws, activation):
    import random

    rng = random.Random(str(ws))
    chart = get_activation(activation).chart
    top = len(ws) - 2
    W = {
        l: flint.fmpq_mat(ws[l], ws[l - 1], [rng.randint(-4, 4) for _ in range(ws[l] * ws[l - 1])])
        for l in range(1, top + 1)
    }
    u = {l: [flint.fmpq(rng.randint(1, 7), 8) for _ in range(ws[l])] for l in range(1, top + 1)}
    w = flint.fmpq_mat(ws[top], 1, [rng.randint(-4, 4) for _ in range(ws[top])])
    point = ChartPoint([flint.fmpq(0)] * ws[0], W, u, w)
    fast = chart_derivatives({l: chart for l in W}, point)
    G = mlp(ws)
    groups = layers(G)
    index = {v: (l, i) for l, group in enumerate(groups) for i, v in enumerate(group)}

    def weight(a, b):
        l, i = index[b]
        return W[l][i, index[a][1]] if l <= top else w[index[a][1], 0]

    hidden = [v for group in groups[1:-1] for v in group]
    d1 = {v: chart.exact[0](u[index[v][0]][index[v][1]]) for v in hidden}
    d2 = {v: chart.exact[1](u[index[v][0]][index[v][1]]) for v in hidden}
    generic = structured_derivatives(G, weight, d1, d2, flint.fmpq(0), flint.fmpq(1))
    assert fast.hessian == flint.fmpq_mat(generic.hessian)
    for l in range(top + 1):
        assert [fast.v[l][i, 0] for i in range(ws[l])] == [generic.adjoints[v] for v in groups[l]]


def test_same_seed_same_certificate_and_seeds_differ():
    a = json.dumps(certify("2,3,3,1", seed=5).to_json())
    assert a == json.dumps(certify("2,3,3,1", seed=5).to_json())
    assert a != json.dumps(certify("2,3,3,1", seed=6).to_json())


@pytest.mark.parametrize("activation", ["poly:z**2", "poly:z**3", "silu"])
def test_non_monotone_activations_are_undecided_with_the_reason(activation):
    cert = certify("2,3,1", activation)
    assert (cert.critical_points, cert.morse, cert.status) == ("undecided",) * 3
    assert "sigma' > 0" in cert.reasons[0]
    assert check_certificate(json.loads(json.dumps(cert.to_json()))).accepted


def test_identity_layers_have_no_morse_witness():
    """A linear network has Hess = 0: no witness, so undecided (never a false proof)."""
    cert = certify("2,3,1", "identity")
    assert cert.morse == "undecided" and cert.results[0].status == "undecided"


def test_time_limit_gives_undecided():
    cert = certify("2,3,1", time_limit=0)
    assert cert.status == "undecided"
    assert "time limit" in cert.results[0].note


def test_normal_form_architecture_with_an_identity_layer():
    cert = certify(mlp("2,1,3,1", ["identity", None]), "tanh")
    assert (cert.critical_points, cert.morse) == ("generic", "fails")
    data = json.loads(json.dumps(cert.to_json()))
    assert data["layer_activations"] == {"1": "identity"}
    assert check_certificate(data).accepted


def test_a_general_graph_is_decided_by_its_strata():
    G = nx.DiGraph(
        [(a, h) for a in "ab" for h in ("h1", "h2", "h3")] + [(h, "y") for h in ("h1", "h2", "h3")]
    )
    G.add_edges_from([("a", "y"), ("a", "h4"), ("h4", "h2")])
    cert = certify(G)
    assert (cert.critical_points, cert.morse, cert.status) == ("generic", "generic", "proved")
    data = json.loads(json.dumps(cert.to_json()))
    assert check_certificate(data).accepted and strata_witnesses_hold(data)
    net = Network(from_graph(G))
    values = {net.symbol(name): value for name, value in witness_weights(data).items()}
    witness = next(e for e in data["strata"] if "witness" in e)["witness"]
    values.update({s: sympy.Rational(t) for s, t in zip(net.inputs, witness["x"])})
    assert all(g.xreplace(values) == 0 for g in net.gradient())


def test_the_sympy_route_sees_false_claims():
    """The independent route used above is not vacuous: it rejects false claims."""
    data = certify("3,5,2,4,1").to_json()
    for key, value in (
        ("det_hessian_residue", 1),
        ("rank_jacobian", 1),
        ("det_hessian_g_residue", 2),
        ("modulus", 2**61 - 1),
    ):
        bad = json.loads(json.dumps(data))
        for b in bad["branches"]:
            if key in b.get("claims", {}):
                b["claims"][key] = value
        assert not witness_claims_hold(bad)
    bad = json.loads(json.dumps(data))
    bad["branches"][0]["witness"]["biases"]["1"][0] = "0"
    assert not witness_claims_hold(bad)
