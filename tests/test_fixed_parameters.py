"""Architectures that fix some parameters (residual networks): networks, certificates, checker."""

import json

import networkx as nx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from symmorse.cli import main
from symmorse.exact.errors import ArchitectureError, WeightsError
from symmorse.kernel import check_certificate
from symmorse.model.architecture import (
    fixed_parameters,
    from_graph,
    from_json,
    mlp,
    parse_architecture,
    resnet_graph,
    to_json,
    widths,
)
from symmorse.model.network import Network
from symmorse.model.node import NeuralODE, layer_field
from symmorse.search.certify import certify
from symmorse.search.node_classify import classify_node

from .helpers import strata_witnesses_hold


def test_fixed_parameters_survive_json_and_are_never_free():
    G = resnet_graph(2, 3, [2, 1])
    H = from_json(json.loads(json.dumps(to_json(G))))
    assert fixed_parameters(H) == fixed_parameters(G) and len(fixed_parameters(G)) == 2 * 3 * 2
    net = Network(H)
    assert set(fixed_parameters(G)) == {s.name for s in net.parameters} - {
        s.name for s in net.free_parameters
    }
    skip = next(iter(fixed_parameters(G)))
    assert Network(G, weights={skip: 1}).weights == net.weights  # the fixed value may be restated
    with pytest.raises(WeightsError, match=f"{skip} is fixed to 1"):
        Network(G, weights={skip: 2})


def test_a_fixed_weight_makes_a_layered_graph_general():
    G = mlp("1,2,1")
    G.edges["x1", "h1_1"]["fixed_weight"] = "1/2"
    H = from_json(to_json(G))
    assert widths(H) is None and fixed_parameters(H) == {"W1_1_1": sympy.Rational(1, 2)}
    cert = certify(H).to_json()
    assert cert["architecture"]["edges"][0]["fixed_weight"] == "1/2" and cert["parameters"] == 6
    assert check_certificate(cert).accepted


@pytest.mark.parametrize(
    "attrs, message",
    [
        ({"edge": "x"}, "not a number"),
        ({"edge": float("nan")}, "fixed_weight: nan is not a finite number"),
        ({"input_bias": 1}, "input node 'x1' cannot have a fixed_bias"),
    ],
)
def test_bad_fixed_values_are_rejected(attrs, message):
    G = mlp("1,2,1")
    if "edge" in attrs:
        G.edges["x1", "h1_1"]["fixed_weight"] = attrs["edge"]
    else:
        G.nodes["x1"]["fixed_bias"] = attrs["input_bias"]
    with pytest.raises(ArchitectureError, match=message):
        from_graph(G)


def test_the_one_dimensional_resnet_has_critical_points_the_neural_ode_has_none():
    """x -> w~ (h + v tanh(w h + b)), h = a x + c: a singular block gives open sets of critical points."""
    cert = certify(parse_architecture("resnet:1,1,1")).to_json()
    assert (cert["critical_points"], cert["morse"]) == ("generic", "generic")
    assert check_certificate(cert).accepted and strata_witnesses_hold(cert)
    (morse,) = [s for s in cert["strata"] if s["status"] == "witness"]
    assert morse["cancelling"] == ["s0_1"] and morse["kind"] == "morse"  # the lifted state's adjoint dies
    node = NeuralODE(1, layer_field({"A": [[3]], "V": [[-1]], "c": ["1/2"]}))
    assert classify_node(node).critical_points == "none"  # for every W, W~: the flow is a diffeomorphism


@given(
    st.integers(1, 2),
    st.integers(0, 2),
    st.lists(st.integers(1, 3), min_size=1, max_size=2),
    st.sampled_from(["tanh", "sigmoid", "arctan"]),
)
def test_random_resnets_certify_and_check(n, extra, hidden, activation):
    cert = certify(resnet_graph(n, n + extra, hidden), activation).to_json()
    data = json.loads(json.dumps(cert))
    assert check_certificate(data).accepted and strata_witnesses_hold(data)
    assert data["status"] == "proved"


def _entry(entries: list, match) -> dict | list:
    return next(e for e in entries if match(e))


def _witness(c) -> dict:
    return _entry(c["strata"], lambda e: "witness" in e)["witness"]


def _move_skip(c):
    _entry(_witness(c)["weights"], lambda e: e[:2] == ["s0_1", "s1_1"])[2] = "2"


def _move_state_bias(c):
    _entry(_witness(c)["biases"], lambda e: e[0] == "s1_1")[1] = "1"


def _free_the_skip(c):
    del _entry(c["architecture"]["edges"], lambda e: "fixed_weight" in e)["fixed_weight"]


def _fix_a_tanh_bias(c):
    _entry(c["architecture"]["nodes"], lambda v: v["id"] == "a1_1")["fixed_bias"] = "0"
    c["parameters"] -= 1


@pytest.mark.parametrize(
    "change, reason",
    [
        (_move_skip, "the weight s0_1->s1_1 is fixed to 1"),
        (_move_state_bias, "the bias of node s1_1 is fixed to 0"),
        (_free_the_skip, "p = 20"),
        (_fix_a_tanh_bias, "a non-identity unit cannot fix its bias"),
    ],
)
def test_tampered_resnet_certificates_are_rejected(change, reason):
    bad = json.loads(json.dumps(certify(parse_architecture("resnet:2,2,2")).to_json()))
    change(bad)
    result = check_certificate(bad)
    assert not result.accepted and reason in result.reason


def test_cli_certifies_and_checks_a_resnet(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["certify", "resnet:1,2,2", "--out", str(out)]) == 0
    assert main(["check", str(out)]) == 0
    assert "accepted" in capsys.readouterr().out
    assert main(["classify", "resnet:1,2"]) == 2
    assert "expected resnet:N,M,H1,...,HK" in capsys.readouterr().err


def test_the_latex_document_states_the_fixed_parameters_and_the_witness():
    from symmorse.present.documents import certificate_document

    cert = certify(parse_architecture("resnet:1,1,1")).to_json()
    tex = certificate_document(cert)
    assert "resnet:1,1,1" in tex and "fixes 2 parameters" in tex
    (entry,) = [s for s in cert["strata"] if "witness" in s]
    det = sympy.latex(sympy.Rational(entry["claims"]["det_hessian"]))
    assert "death strata" in tex and det in tex


def _skip_graph() -> dict:
    """x -> a (tanh) -> s <- x, s an identity unit with fixed bias 0, s -> y; every weight free."""
    G = nx.DiGraph([("x", "a"), ("x", "s"), ("a", "s"), ("s", "y")])
    G.nodes["s"].update(activation="identity", fixed_bias=0)
    return to_json(from_graph(G))


def test_a_repeated_edge_or_node_cannot_change_what_the_checker_certifies():
    """The checker and the loader read a repeated entry differently, so a repeat is rejected by both.

    With x -> a fixed to 0 (or every hidden unit the identity) Phi is affine in x, so the claim
    'critical points: generic' of the certificate for the free graph is false for the repeated one.
    """
    cert = certify(from_json(_skip_graph())).to_json()
    assert cert["critical_points"] == "generic" and check_certificate(cert).accepted
    fixed = json.loads(json.dumps(cert))
    fixed["architecture"]["edges"].insert(0, {"source": "x", "target": "a", "fixed_weight": "0"})
    linear = json.loads(json.dumps(cert))
    linear["architecture"]["nodes"].insert(0, {"id": "a", "activation": "identity"})
    for forged in (fixed, linear):
        G = nx.DiGraph([(e["source"], e["target"]) for e in forged["architecture"]["edges"]])
        for entry in reversed(forged["architecture"]["nodes"]):  # the first entry wins
            G.add_node(entry["id"], **{k: v for k, v in entry.items() if k != "id"})
        for entry in reversed(forged["architecture"]["edges"]):
            G.edges[entry["source"], entry["target"]].update(entry)
        assert Network(from_graph(G), cert["activation"]).hessian() == sympy.zeros(1, 1)
        result = check_certificate(forged)
        assert not result.accepted and "repeated" in result.reason
        with pytest.raises(ArchitectureError, match="listed twice"):
            from_json(forged["architecture"])


def test_a_null_fixed_bias_leaves_the_bias_free():
    data = _skip_graph()
    _entry(data["nodes"], lambda v: v["id"] == "s")["fixed_bias"] = None
    G = from_json(data)
    assert fixed_parameters(G) == {} and "fixed_bias" not in G.nodes["s"]
    cert = certify(G).to_json()
    assert cert["parameters"] == 7 and check_certificate(cert).accepted


@pytest.mark.parametrize(
    "arch, message",
    [
        ("resnet:1_0,1,1", "expected resnet:N,M,H1,...,HK"),
        ("resnet:1,1000,1000", "weights <= 1000000"),
        ("1000,1000,1000,1", "2001000 weights > 1000000"),
        ("resnet:0,1,1", "the input width must be a positive integer"),
    ],
)
def test_bad_and_oversized_architectures_exit_2(arch, message, capsys):
    assert main(["classify", arch]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_output_node_has_no_activation():
    G = mlp("1,2,1")
    G.nodes["y"]["activation"] = "tanh"
    with pytest.raises(ArchitectureError, match="output node 'y' cannot have an activation"):
        from_graph(G)
    cert = certify(parse_architecture("resnet:1,1,1")).to_json()
    next(v for v in cert["architecture"]["nodes"] if v["id"] == "y")["activation"] = "tanh"
    result = check_certificate(cert)
    assert not result.accepted and "the output node has no activation" in result.reason
