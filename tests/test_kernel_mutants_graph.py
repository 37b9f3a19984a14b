"""The strata kernel (``symmorse.kernel.graph``) answer by answer: the full reason for every tampering of
``test_strata``, the accept texts, and refusals of malformed graphs naming the field (the schema) or the
node or edge (the kernel).  Written against the surviving mutants of ``tools/mutation.py``
(``docs/mutation-testing.md``).
"""

import json

import flint
import networkx as nx
import pytest
import sympy

from symmorse.cli import main
from symmorse.exact.errors import CertificateError
from symmorse.exact.expressions import parse_expression
from symmorse.kernel import check_certificate, graph
from symmorse.model.architecture import mlp, resnet_graph
from symmorse.search.certify import certify

from .test_strata import TAMPERS, _source


def answer(cert: object) -> str:
    """``accepted: ...``, ``rejected: ...`` or ``refused: ...`` (CertificateError: the schema or the
    graph), as ``symmorse check`` answers: the format's shape first, then the strata kernel."""
    try:
        result = check_certificate(cert)
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


# -- malformed graphs and strata lists, on the certificate of resnet:2,2,1 ---------------------------


def _nodes(d):
    return d["architecture"]["nodes"]


def _edges(d):
    return d["architecture"]["edges"]


def _node(d, name):
    return next(n for n in _nodes(d) if n["id"] == name)


GRAPH_TAMPERS = {
    "nodes not a list": lambda d: d["architecture"].update(nodes={}),
    "edges missing": lambda d: d["architecture"].pop("edges"),
    "architecture a list": lambda d: d.update(architecture=[]),
    "node entry with an unknown key": lambda d: _node(d, "a1_1").update(colour="red"),
    "node entry without id": lambda d: _nodes(d).append({"activation": "tanh"}),
    "node entry not an object": lambda d: _nodes(d).append("z"),
    "repeated node id": lambda d: _nodes(d).append({"id": "a1_1"}),
    "boolean node id": lambda d: _nodes(d).append({"id": True}),
    "list node id": lambda d: _nodes(d).append({"id": [1]}),
    "edge entry with an unknown key": lambda d: _edges(d)[0].update(weight="1"),
    "edge entry not an object": lambda d: _edges(d).append(["x1", "y"]),
    "edge to an unknown node": lambda d: _edges(d).append({"source": "x1", "target": "z"}),
    "edge from an unknown node": lambda d: _edges(d).append({"source": "z", "target": "y"}),
    "self-loop": lambda d: _edges(d).append({"source": "a1_1", "target": "a1_1"}),
    "repeated edge": lambda d: _edges(d).append({"source": "x1", "target": "s0_1"}),
    "cycle": lambda d: _edges(d).append({"source": "a1_1", "target": "s0_1"}),
    "disconnected node": lambda d: _nodes(d).append({"id": "lonely"}),
    "weight fixed to 0": lambda d: _edges(d)[5].update(fixed_weight="0"),
    "weight fixed to a non-number": lambda d: _edges(d)[5].update(fixed_weight="one"),
    "bias fixed to a non-number": lambda d: _node(d, "s1_1").update(fixed_bias="zero"),
    "input with an activation": lambda d: _node(d, "x1").update(activation="tanh"),
    "output with an activation": lambda d: _node(d, "y").update(activation="tanh"),
    "input with a bias": lambda d: _node(d, "x2").update(fixed_bias="1"),
    "charted unit with a bias": lambda d: _node(d, "a1_1").update(fixed_bias="1"),
    "two outputs": lambda d: (
        _nodes(d).append({"id": "y2"}),
        _edges(d).append({"source": "a1_1", "target": "y2"}),
    ),
    "parameters wrong": lambda d: d.update(parameters=15),
    "inputs wrong": lambda d: d.update(inputs=3),
    "class wrong": lambda d: d.update(**{"class": "bottleneck"}),
    "strata not a list": lambda d: d.update(strata={}),
    "no strata, verdicts claimed": lambda d: d.update(strata=[]),
    "no strata, undecided": lambda d: d.update(
        strata=[], critical_points="undecided", morse="undecided", status="undecided"
    ),
    "stratum not an object": lambda d: d["strata"].append(3),
    "stratum decided a bool": lambda d: d["strata"][0].update(decided=True),
    "stratum cancelling not a list": lambda d: d["strata"][0].update(cancelling="x1"),
    "stratum with an unknown node": lambda d: d["strata"][0].update(cancelling=["x1", "z"]),
    "stratum decided 0": lambda d: d["strata"][0].update(decided=0),
    "stratum decided beyond the graph": lambda d: d["strata"][0].update(decided=9),
    "stratum repeated": lambda d: d["strata"].append(dict(d["strata"][0])),
    "stratum c wrong": lambda d: d["strata"][0].update(c=1),
    "stratum c_free wrong": lambda d: d["strata"][0].update(c_free=1),
    "stratum complete wrong": lambda d: d["strata"][0].update(complete=False),
    "stratum N wrong": lambda d: d["strata"][0].update(N=["s1_1"]),
    "stratum N repeated": lambda d: d["strata"][0].update(N=["a1_1", "a1_1"]),
    "stratum kappa wrong": lambda d: d["strata"][0].update(kappa=2),
    "stratum cut missing": lambda d: d["strata"][0].update(cut="a1_1", kappa=4),
    "stratum cut an object": lambda d: d["strata"][0].update(cut={"a1_1": 0}, kappa=1),
    "stratum cut does not separate": lambda d: d["strata"][0].update(cut=["s1_1"], kappa=1),
    "stratum cut too large": lambda d: d["strata"][0].update(cut=["s0_1", "s0_2"], kappa=2),
    "missing key": lambda d: d.pop("strata"),
    "stratum cut dropped": lambda d: d["strata"][0].pop("cut"),
    "block dropped": lambda d: d["strata"][5].pop("block"),
}

GRAPH_ANSWERS = {
    "stratum cut dropped": "rejected: stratum 0 (cancelling ['x1', 'x2']): cut missing",
    "block dropped": ("rejected: stratum 5 (cancelling ['s1_2']): block missing"),
    "stratum cut an object": (
        'refused: strata[0].cut: expected a list of 0 to 100000 entries, got {"a1_1": 0}'
    ),
    "nodes not a list": ("refused: architecture.nodes: expected a list of 0 to 100000 entries, got {}"),
    "edges missing": ("refused: architecture.edges: missing"),
    "architecture a list": ("refused: architecture: expected an object, got []"),
    "node entry with an unknown key": (
        'refused: architecture.nodes[4]."colour": unknown key (known: activation, fixed_bias, id)'
    ),
    "node entry without id": ("refused: architecture.nodes[8].id: missing"),
    "node entry not an object": ('refused: architecture.nodes[8]: expected an object, got "z"'),
    "repeated node id": ("rejected: node 'a1_1': repeated id"),
    "boolean node id": (
        "refused: architecture.nodes[8].id: expected an integer or a string of 1 to 200 characters, got true"
    ),
    "list node id": (
        "refused: architecture.nodes[8].id: expected an integer or a string of 1 to 200 characters, got [1]"
    ),
    "edge entry with an unknown key": (
        'refused: architecture.edges[0]."weight": unknown key (known: fixed_weight, source, target)'
    ),
    "edge entry not an object": ('refused: architecture.edges[12]: expected an object, got ["x1", "y"]'),
    "edge to an unknown node": ("rejected: edge 'x1' -> 'z': unknown or repeated"),
    "edge from an unknown node": ("rejected: edge 'z' -> 'y': unknown or repeated"),
    "self-loop": ("rejected: edge 'a1_1' -> 'a1_1': unknown or repeated"),
    "repeated edge": ("rejected: edge 'x1' -> 's0_1': unknown or repeated"),
    "cycle": ("rejected: the graph is not a connected DAG"),
    "disconnected node": ("rejected: the graph is not a connected DAG"),
    "weight fixed to 0": ("rejected: a weight fixed to 0 is no edge"),
    "weight fixed to a non-number": (
        "refused: architecture.edges[5].fixed_weight: "
        "expected an exact rational (e.g. 2 or '-3/5'), got \"one\""
    ),
    "bias fixed to a non-number": (
        "refused: architecture.nodes[5].fixed_bias: "
        "expected an exact rational (e.g. 2 or '-3/5'), got \"zero\""
    ),
    "input with an activation": ("rejected: input node 'x1' has no activation (inputs are x)"),
    "output with an activation": ("rejected: the output node has no activation (Phi is affine in it)"),
    "input with a bias": ("rejected: inputs have no bias"),
    "charted unit with a bias": (
        "rejected: a non-identity unit cannot fix its bias (it is its chart coordinate)"
    ),
    "two outputs": ("rejected: the graph must have inputs and exactly one output"),
    "parameters wrong": ("rejected: p = 14, n0 = 2"),
    "inputs wrong": ("rejected: p = 14, n0 = 2"),
    "class wrong": ("rejected: the class of a strata certificate is 'graph'"),
    "strata not a list": ("refused: strata: expected a list of 0 to 100000 entries, got {}"),
    "no strata, verdicts claimed": ("rejected: critical_points = 'none' does not follow (proved: undecided)"),
    "no strata, undecided": ("accepted: accepted: no strata claimed (undecided)"),
    "stratum not an object": ("refused: strata[7]: expected an object, got 3"),
    "stratum decided a bool": ("refused: strata[0].decided: expected an integer in 0.., got true"),
    "stratum cancelling not a list": (
        'refused: strata[0].cancelling: expected a list of 0 to 100000 entries, got "x1"'
    ),
    "stratum with an unknown node": ("rejected: stratum 0: unknown node"),
    "stratum decided 0": ("rejected: stratum 0: bad or repeated entry"),
    "stratum decided beyond the graph": ("rejected: stratum 0: bad or repeated entry"),
    "stratum repeated": ("rejected: stratum 7: bad or repeated entry"),
    "stratum c wrong": ("rejected: stratum 0 (cancelling ['x1', 'x2']): c, c_free or complete wrong"),
    "stratum c_free wrong": ("rejected: stratum 0 (cancelling ['x1', 'x2']): c, c_free or complete wrong"),
    "stratum complete wrong": ("rejected: stratum 0 (cancelling ['x1', 'x2']): c, c_free or complete wrong"),
    "stratum N wrong": ("rejected: stratum 0 (cancelling ['x1', 'x2']): N is ['a1_1']"),
    "stratum N repeated": ("rejected: stratum 0 (cancelling ['x1', 'x2']): N is ['a1_1']"),
    "stratum kappa wrong": (
        "rejected: stratum 0 (cancelling ['x1', 'x2']): kappa is not the size of the cut"
    ),
    "stratum cut missing": ('refused: strata[0].cut: expected a list of 0 to 100000 entries, got "a1_1"'),
    "stratum cut does not separate": (
        "rejected: stratum 0 (cancelling ['x1', 'x2']): the cut does not separate the inputs from N"
    ),
    "stratum cut too large": ("rejected: stratum 0 (cancelling ['x1', 'x2']): kappa <= 2 is not below c = 2"),
    "missing key": ("refused: strata: missing"),
}


@pytest.mark.parametrize("name", sorted(GRAPH_TAMPERS))
def test_malformed_graphs_and_strata_are_named(name):
    data = json.loads(_source("resnet:2,2,1"))
    GRAPH_TAMPERS[name](data)
    assert answer(data) == GRAPH_ANSWERS[name]


# -- paths of a cut family and witnesses, on the certificate of 3,5,2,4,1 ------------------------


def _paths(d, paths):
    d["strata"][5]["paths"] = paths


STRATA_TAMPERS = {
    "path through a decided node": lambda d: _paths(d, [["x1", "h1_1"], ["x2", "h1_3"], ["x3", "h1_4"]]),
    "path leaving the graph": lambda d: _paths(d, [["x1", "h1_2", "h1_5"], ["x2", "h1_3"], ["x3", "h1_4"]]),
    "empty path": lambda d: _paths(d, [[], ["x2", "h1_3"], ["x3", "h1_4"]]),
    "paths an object": lambda d: _paths(d, {}),
    "path not starting at an input": lambda d: _paths(d, [["h1_2"], ["x2", "h1_3"], ["x3", "h1_4"]]),
    "paths not disjoint": lambda d: _paths(d, [["x1", "h1_2"], ["x2", "h1_2"], ["x3", "h1_4"]]),
    "too few paths": lambda d: _paths(d, [["x1", "h1_2"], ["x2", "h1_3"]]),
    "witness empty": lambda d: d["strata"][0].update(witness={}),
    "witness dropped": lambda d: d["strata"][0].pop("witness"),
    "paths dropped": lambda d: d["strata"][5].pop("paths"),
    "witness claims missing": lambda d: d["strata"][0].pop("claims"),
    "witness x too short": lambda d: d["strata"][0]["witness"].update(x=d["strata"][0]["witness"]["x"][:2]),
    "witness x not a list": lambda d: d["strata"][0]["witness"].update(x="0"),
    "witness weights malformed": lambda d: d["strata"][0]["witness"].update(weights=[["x1", "h1_1"]]),
    "witness weight missing": lambda d: d["strata"][0]["witness"]["weights"].pop(),
    "witness u missing": lambda d: d["strata"][0]["witness"]["u"].pop(),
    "degenerate rank claim wrong": lambda d: d["strata"][8]["claims"].update(rank_cancellation_jacobian=1),
    "degenerate rank claim true": lambda d: d["strata"][8]["claims"].update(rank_cancellation_jacobian=True),
    "dimension wrong": lambda d: d["strata"][0].update(dimension=1),
    "status of a witness stratum wrong": lambda d: d["strata"][0].update(status="null"),
}

STRATA_ANSWERS = {
    "witness dropped": "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): witness missing",
    "paths dropped": "rejected: stratum 5 (cancelling ['h1_1']): paths missing",
    "path through a decided node": (
        "rejected: stratum 5 (cancelling ['h1_1']): paths must be disjoint and undecided"
    ),
    "path leaving the graph": ("rejected: stratum 5 (cancelling ['h1_1']): a path leaves the graph"),
    "empty path": ("refused: strata[5].paths[0]: expected a list of 1 to 100000 entries, got []"),
    "paths an object": ("refused: strata[5].paths: expected a list of 0 to 100000 entries, got {}"),
    "path not starting at an input": ("rejected: stratum 5 (cancelling ['h1_1']): bad path ends"),
    "paths not disjoint": ("rejected: stratum 5 (cancelling ['h1_1']): paths must be disjoint and undecided"),
    "too few paths": ("rejected: stratum 5 (cancelling ['h1_1']): 1 + 2 cancellations do not exceed n0 = 3"),
    "witness empty": ("refused: strata[0].witness.x: missing"),
    "witness claims missing": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): claims missing"),
    "witness x too short": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): x has the wrong length"),
    "witness x not a list": ('refused: strata[0].witness.x: expected a list of 0 to 100000 entries, got "0"'),
    "witness weights malformed": (
        'refused: strata[0].witness.weights[0]: expected a list of 3 entries, got ["x1", "h1_1"]'
    ),
    "witness weight missing": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): weights do not fit"),
    "witness u missing": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): chart values do not fit"),
    "degenerate rank claim wrong": ("rejected: stratum 8 (cancelling ['h2_1', 'h2_2']): rank is 2"),
    "degenerate rank claim true": (
        "refused: strata[8].claims.rank_cancellation_jacobian: expected an integer in 0.., got true"
    ),
    "dimension wrong": ("rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): dim C_Z = p + n0 - c = 49"),
    "status of a witness stratum wrong": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): unknown claim"
    ),
}


@pytest.mark.parametrize("name", sorted(STRATA_TAMPERS))
def test_tampered_paths_and_witnesses(name):
    data = json.loads(_source("3,5,2,4,1"))
    STRATA_TAMPERS[name](data)
    assert answer(data) == STRATA_ANSWERS[name]


# -- the cancellation Jacobian, against SymPy -------------------------------------------------------------


def cancellation_rows(data: dict, entry: dict) -> list[list[flint.fmpq]]:
    """dE_v/dx at the witness for each cancelling v, with SymPy: E_v = sum over live successors s of
    theta_vs sigma'(z_s) a_s, where a_y = 1 and a_s is the same sum for s (the adjoint through live
    units), z and the weights and biases as the witness gives them (tanh units)."""
    wit, dead = entry["witness"], set(entry["dead"])
    nodes = [n["id"] for n in data["architecture"]["nodes"]]
    w = {(a, b): sympy.Rational(t) for a, b, t in wit["weights"]}
    bias = {v: parse_expression(t, []) for v, t in wit["biases"]}
    inputs = [v for v in nodes if not any(b == v for _, b in w)]
    output = next(v for v in nodes if not any(a == v for a, _ in w))
    x = {v: sympy.Symbol(v, real=True) for v in inputs}
    h, z = dict(x), {}
    for v in nodes:  # the node list is in topological order
        if v not in x:
            z[v] = sum(w[a, b] * h[a] for a, b in w if b == v) + bias[v]
            h[v] = z[v] if v == output else sympy.tanh(z[v])

    def slope(s):
        return 1 if s == output else 1 - sympy.tanh(z[s]) ** 2

    a = {output: sympy.Integer(1)}
    for v in reversed(nodes):
        if v != output:
            a[v] = sum(w[v, s] * slope(s) * a[s] for b, s in w if b == v and s not in dead)
    at = {x[v]: sympy.Rational(t) for v, t in zip(inputs, wit["x"])}
    rows = [
        [sympy.Rational(sympy.diff(a[v], x[i]).xreplace(at)) for i in inputs] for v in entry["cancelling"]
    ]
    return [[flint.fmpq(int(r.p), int(r.q)) for r in row] for row in rows]


def _output_fed_by_a_cancelling_unit() -> nx.DiGraph:
    """x1, x2 -> v -> h -> y and v -> y: v cancels (c = 1 < n0) through h and through the output."""
    G = nx.DiGraph()
    G.add_nodes_from(["x1", "x2", "v", "h", "y"])  # in topological order, as cancellation_rows reads
    G.add_edges_from([("x1", "v"), ("x2", "v"), ("v", "h"), ("v", "y"), ("h", "y")])
    return G


@pytest.mark.parametrize("arch", ["2,1,2,1", "2,1,2,2,1", "v->y"])
def test_the_cancellation_jacobian_is_the_x_derivative_of_the_cancellation_equations(monkeypatch, arch):
    """The rows the kernel ranks for a degenerate stratum are dE_v/dx at the witness (SymPy); in
    ``v->y`` the cancelling unit also feeds the output."""
    net = _output_fed_by_a_cancelling_unit() if arch == "v->y" else mlp(arch)
    data = json.loads(json.dumps(certify(net, route="graph").to_json()))
    (entry,) = [e for e in data["strata"] if e["kind"] == "degenerate"]
    ranked = []
    real = graph._rank
    monkeypatch.setattr(graph, "_rank", lambda rows, n: ranked.append(rows) or real(rows, n))
    assert graph.check_strata_certificate(data).accepted
    rows = cancellation_rows(data, entry)
    assert all(any(r != 0 for r in row) for row in rows)
    assert rows in ranked


def _u(d, value):
    d["strata"][0]["witness"]["u"][0][1] = value


def _weight(d, value):
    d["strata"][0]["witness"]["weights"][0][2] = value


WITNESS_TAMPERS = {
    "u at the chart's upper end": lambda d: _u(d, "1"),
    "u at the chart's lower end": lambda d: _u(d, "-1"),
    "u beyond the chart": lambda d: _u(d, "2"),
    "u not a number": lambda d: _u(d, "x"),
    "weight not a number": lambda d: _weight(d, "x"),
    "det claim not a number": lambda d: d["strata"][0]["claims"].update(det_hessian="x"),
}

WITNESS_ANSWERS = {
    "u at the chart's upper end": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): u of h3_1 outside the chart interval"
    ),
    "u at the chart's lower end": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): u of h3_1 outside the chart interval"
    ),
    "u beyond the chart": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): u of h3_1 outside the chart interval"
    ),
    "u not a number": (
        "refused: strata[0].witness.u[0][1]: expected an exact rational (e.g. 2 or '-3/5'), got \"x\""
    ),
    "weight not a number": (
        "refused: strata[0].witness.weights[0][2]: expected an exact rational (e.g. 2 or '-3/5'), got \"x\""
    ),
    "det claim not a number": (
        "refused: strata[0].claims.det_hessian: expected an exact rational (e.g. 2 or '-3/5'), got \"x\""
    ),
}


@pytest.mark.parametrize("name", sorted(WITNESS_TAMPERS))
def test_tampered_witness_values(name):
    data = json.loads(_source("3,5,2,4,1"))
    WITNESS_TAMPERS[name](data)
    assert answer(data) == WITNESS_ANSWERS[name]


def _block(d, **edits):
    d["strata"][9]["block"].update(edits)


BLOCK_TAMPERS = {
    "block missing": lambda d: d["strata"][9].pop("block"),
    "block A not a list": lambda d: _block(d, A="h3_4"),
    "block A empty": lambda d: _block(d, A=[]),
    "block A not cancelling": lambda d: _block(d, A=["h3_3"]),
    "block A repeated": lambda d: _block(d, A=["h3_4", "h3_4"]),
    "block B wrong": lambda d: _block(d, B=["h3_1"]),
    "block B not a list": lambda d: _block(d, B="y"),
    "block assignment not a list": lambda d: _block(d, assignment={}),
    "block assignment entry short": lambda d: _block(d, assignment=[["h3_4", "y"]]),
    "block assignment missing a weight": lambda d: _block(d, assignment=[]),
    "block assignment of another edge": lambda d: _block(d, assignment=[["h3_3", "y", "1"]]),
    "block assignment repeated": lambda d: _block(d, assignment=[["h3_4", "y", "1"], ["h3_4", "y", "2"]]),
    "block assignment not a number": lambda d: _block(d, assignment=[["h3_4", "y", "w"]]),
    "block assignment zero": lambda d: _block(d, assignment=[["h3_4", "y", "0"]]),
    "witness x a string": lambda d: d["strata"][0]["witness"].update(x="123"),
    "witness x not numbers": lambda d: d["strata"][0]["witness"].update(x=["a", "1", "2"]),
    "witness bias changed": lambda d: d["strata"][0]["witness"]["biases"].__setitem__(1, ["h3_1", "1/4"]),
}

BLOCK_ANSWERS = {
    "block missing": ("rejected: stratum 9 (cancelling ['h3_4']): block missing"),
    "block A not a list": ('refused: strata[9].block.A: expected a list of 0 to 100000 entries, got "h3_4"'),
    "block A empty": ("rejected: stratum 9 (cancelling ['h3_4']): A must be cancelling nodes"),
    "block A not cancelling": ("rejected: stratum 9 (cancelling ['h3_4']): A must be cancelling nodes"),
    "block A repeated": ("rejected: stratum 9 (cancelling ['h3_4']): A must be cancelling nodes"),
    "block B wrong": ("rejected: stratum 9 (cancelling ['h3_4']): B is ['y']"),
    "block B not a list": ('refused: strata[9].block.B: expected a list of 0 to 100000 entries, got "y"'),
    "block assignment not a list": (
        "refused: strata[9].block.assignment: expected a list of 0 to 100000 entries, got {}"
    ),
    "block assignment entry short": (
        'refused: strata[9].block.assignment[0]: expected a list of 3 entries, got ["h3_4", "y"]'
    ),
    "block assignment missing a weight": (
        "rejected: stratum 9 (cancelling ['h3_4']): the assignment must give each free block weight"
    ),
    "block assignment of another edge": (
        "rejected: stratum 9 (cancelling ['h3_4']): the assignment must give each free block weight"
    ),
    "block assignment repeated": (
        "rejected: stratum 9 (cancelling ['h3_4']): the assignment must give each free block weight"
    ),
    "block assignment not a number": (
        "refused: strata[9].block.assignment[0][2]: expected an exact rational (e.g. 2 or '-3/5'), got \"w\""
    ),
    "block assignment zero": (
        "rejected: stratum 9 (cancelling ['h3_4']): the block has rank < |B| at the assignment"
    ),
    "witness x a string": ('refused: strata[0].witness.x: expected a list of 0 to 100000 entries, got "123"'),
    "witness x not numbers": (
        "refused: strata[0].witness.x[0]: expected an exact rational (e.g. 2 or '-3/5'), got \"a\""
    ),
    "witness bias changed": (
        "rejected: stratum 0 (cancelling ['x1', 'x2', 'x3']): bias of node h3_1 is wrong"
    ),
}


@pytest.mark.parametrize("name", sorted(BLOCK_TAMPERS))
def test_tampered_blocks_and_witness_inputs(name):
    data = json.loads(_source("3,5,2,4,1"))
    BLOCK_TAMPERS[name](data)
    assert answer(data) == BLOCK_ANSWERS[name]


def test_a_witness_on_a_graph_with_fixed_biases():
    """resnet 1,1,[1]: the skip units are identity units with their biases fixed to 0."""
    data = json.loads(json.dumps(certify(resnet_graph(1, 1, [1])).to_json()))
    assert any("fixed_bias" in n for n in data["architecture"]["nodes"])
    assert answer(data) == "accepted: accepted: 4 entries (strata and families), 1 witness verified"


def test_a_graph_without_nodes_is_rejected_not_an_internal_error(tmp_path, capsys):
    """Found by mutation testing: networkx raises NetworkXPointlessConcept for the connectivity of the
    null graph, which the kernel let through (``symmorse check``: exit 3, internal error)."""
    data = json.loads(_source("resnet:2,2,1"))
    data["architecture"].update(nodes=[], edges=[])
    result = check_certificate(data)
    assert not result.accepted and result.reason == "the graph has no nodes"
    path = tmp_path / "empty-graph.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "the graph has no nodes" in capsys.readouterr().out


def test_a_graph_of_one_node_has_no_input_and_output():
    data = json.loads(_source("resnet:2,2,1"))
    data["architecture"].update(nodes=[{"id": "x"}], edges=[])
    assert answer(data) == "rejected: the graph must have inputs and exactly one output"


def test_without_strata_the_morse_claim_must_be_undecided_too():
    data = json.loads(_source("resnet:2,2,1"))
    data.update(strata=[], critical_points="undecided", morse="generic", status="undecided")
    assert answer(data) == "rejected: morse = 'generic' does not follow (proved: undecided)"


def test_a_stratum_without_its_dead_set_is_refused_naming_it():
    data = json.loads(_source("resnet:2,2,1"))
    del data["strata"][0]["dead"]
    assert answer(data) == "refused: strata[0].dead: missing"
    data["strata"][0]["dead"] = ["x1"]
    assert answer(data) == "rejected: stratum 0 (cancelling ['x1', 'x2']): the dead set is ['x1', 'x2']"


def _fixed_graph_certificate() -> dict:
    """x -> h -> y, x -> y with every weight fixed (1, 1, -1): a stratum the rules cannot decide."""
    fixed = nx.DiGraph([("x", "h"), ("h", "y"), ("x", "y")])
    for edge, value in ((("x", "h"), "1"), (("h", "y"), "1"), (("x", "y"), "-1")):
        fixed.edges[edge]["fixed_weight"] = value
    return json.loads(json.dumps(certify(fixed).to_json()))


def test_an_undecided_stratum_leaves_both_verdicts_undecided():
    data = _fixed_graph_certificate()
    assert (data["critical_points"], data["morse"]) == ("undecided", "undecided")
    assert answer(data) == "accepted: accepted: 2 entries (strata and families), 0 witnesses verified"
    data["critical_points"] = "none"
    assert answer(data) == "rejected: critical_points = 'none' does not follow (proved: undecided)"
    data = _fixed_graph_certificate()
    data["morse"] = "generic"
    assert answer(data) == "rejected: morse = 'generic' does not follow (proved: undecided)"


def test_a_degenerate_stratum_left_undecided_leaves_morse_undecided():
    data = json.loads(_source("3,5,2,4,1"))
    data["strata"][8]["status"] = "undecided"
    assert answer(data) == "rejected: morse = 'fails' does not follow (proved: undecided)"


def test_n_is_only_read_on_complete_strata():
    data = json.loads(_source("3,5,2,4,1"))
    data["strata"][5]["N"] = []  # a family (incomplete): N means nothing there
    assert answer(data) == "accepted: accepted: 13 entries (strata and families), 2 witnesses verified"


def test_one_entry_is_one_entry():
    data = json.loads(json.dumps(certify(mlp("2,1"), route="graph").to_json()))
    assert answer(data) == "accepted: accepted: 1 entry (strata and families), 0 witnesses verified"


def test_nothing_is_proved_without_sigma_prime_positive():
    data = json.loads(json.dumps(certify(mlp("1,1,1"), route="graph").to_json()))
    data["activation"] = "poly:z**2"
    assert (
        answer(data)
        == "rejected: stratum 0 (cancelling ['x1']): nothing is proved while sigma' > 0 is not proved"
    )


def test_without_sigma_prime_positive_open_strata_are_undecided():
    data = _fixed_graph_certificate()
    data["activation"] = "poly:z**2"
    data["strata"][1]["kind"] = "undecided"  # every entry open: nothing needs sigma' > 0
    assert answer(data) == "accepted: accepted: 2 entries (strata and families), 0 witnesses verified"
    data["morse"] = "generic"
    assert answer(data) == "rejected: morse = 'generic' does not follow (proved: undecided)"


def _det_zero_witness() -> dict:
    """resnet 1,1,[1] with its Morse witness moved to u = 0, where tanh'' = 0: a point of C_Z (the
    adjoint of s0_1 is w - 1 = 0 for w = -1/3 through the unit of slope 1) at which det Hess Phi = 0."""
    data = json.loads(json.dumps(certify(resnet_graph(1, 1, [1])).to_json()))
    (entry,) = [e for e in data["strata"] if e["kind"] == "morse"]
    witness = entry["witness"]
    weights = {(a, b): t for a, b, t in witness["weights"]}
    assert (weights[("a1_1", "s1_1")], weights[("s0_1", "s1_1")], weights[("s1_1", "y")]) == ("3", "1", "-1")
    weights[("s0_1", "a1_1")] = "-1/3"
    witness["weights"] = [[a, b, t] for (a, b), t in weights.items()]
    witness["u"] = [["a1_1", "0"]]
    (x,) = witness["x"]
    bias = -sympy.Rational(-1, 3) * sympy.Rational(x)  # atanh(0) minus the incoming sum
    witness["biases"] = [[v, str(bias) if v == "a1_1" else t] for v, t in witness["biases"]]
    return data


def test_a_witness_with_det_hessian_zero_is_rejected_even_when_claimed():
    data = _det_zero_witness()
    (entry,) = [e for e in data["strata"] if e["kind"] == "morse"]
    entry["claims"]["det_hessian"] = "0"
    assert answer(data) == "rejected: stratum 1 (cancelling ['s0_1']): det Hess Phi is 0"
    entry["claims"]["det_hessian"] = "1"
    assert answer(data) == "rejected: stratum 1 (cancelling ['s0_1']): det Hess Phi is 0"


def test_one_undecided_family_at_the_root_leaves_everything_undecided():
    """The family 'only the output decided' (decided = 1) covers every stratum: the walk stops there."""
    data = json.loads(_source("resnet:2,2,1"))
    family = {
        "decided": 1,
        "complete": False,
        "dead": [],
        "cancelling": [],
        "c": 0,
        "c_free": 0,
        "kind": "undecided",
        "rule": "fixed",
        "status": "undecided",
    }
    data.update(strata=[family], critical_points="undecided", morse="undecided", status="undecided")
    assert answer(data) == "accepted: accepted: 1 entry (strata and families), 0 witnesses verified"
    data["strata"].append(dict(family, decided=2, cancelling=["x1"]))
    assert answer(data) == "rejected: 1 listed strata are not strata of this graph"


def _two_by_two() -> tuple[graph._Walk, frozenset, set]:
    """a1 -> b1 and a2 -> b2 only (no a1 -> b2, a2 -> b1); a1 also has two fixed out-edges."""
    G = nx.DiGraph(
        [("x1", "a1"), ("x2", "a2"), ("a1", "b1"), ("a2", "b2"), ("a1", "c"), ("a1", "d")]
        + [("b1", "y"), ("b2", "y"), ("c", "y"), ("d", "y"), ("x1", "d")]
    )
    fixed = {("a1", "c"): flint.fmpq(1), ("a1", "d"): flint.fmpq(2), ("x1", "d"): flint.fmpq(1)}
    walk = graph._Walk(G, fixed, set(G) - {"x1", "x2", "y"})
    return walk, frozenset({"a1", "a2"}), {"b1", "b2", "y"}


def test_a_block_reads_a_missing_edge_as_the_weight_zero():
    walk, cancelling, live = _two_by_two()
    entry = {
        "block": {"A": ["a1", "a2"], "B": ["b2", "b1"], "assignment": [["a1", "b1", "1"], ["a2", "b2", "1"]]}
    }
    assert graph._block(walk, entry, cancelling, live, "here") == "null"  # diag(1, 1): rank 2
    entry["block"]["B"] = ["b1"]
    with pytest.raises(graph.Rejected, match=r"^here: B is \['b1', 'b2'\]$"):
        graph._block(walk, entry, cancelling, live, "here")


def test_paths_run_only_through_nodes_with_at_most_one_fixed_out_edge():
    walk, _, _ = _two_by_two()
    assert walk.single == {"x1", "x2", "a2", "b1", "b2", "c", "d", "y"}


def test_a_block_with_more_live_successors_than_cancelling_nodes_is_rejected():
    walk, _, _ = _two_by_two()
    entry = {"block": {"A": ["a1"], "B": ["b1", "c"], "assignment": [["a1", "b1", "1"]]}}
    with pytest.raises(graph.Rejected, match=r"^here: \|B\| = 2 > \|A\| = 1$"):
        graph._block(walk, entry, frozenset({"a1"}), {"b1", "c", "y"}, "here")


def test_a_witness_must_keep_the_fixed_biases():
    """resnet 1,1,[1]: s1_1 is an identity unit with its bias fixed to 0; a witness giving it 1 (a
    rational, as any identity unit may have) is rejected, though nothing downstream is charted."""
    data = json.loads(json.dumps(certify(resnet_graph(1, 1, [1])).to_json()))
    (entry,) = [e for e in data["strata"] if e["kind"] == "morse"]
    entry["witness"]["biases"] = [[v, "1" if v == "s1_1" else t] for v, t in entry["witness"]["biases"]]
    assert answer(data) == "rejected: stratum 1 (cancelling ['s0_1']): the bias of node s1_1 is fixed to 0"


def test_a_morse_witness_without_its_det_claim_is_rejected():
    data = json.loads(json.dumps(certify(resnet_graph(1, 1, [1])).to_json()))
    (entry,) = [e for e in data["strata"] if e["kind"] == "morse"]
    entry["claims"] = {}
    assert answer(data) == "rejected: stratum 1 (cancelling ['s0_1']): det Hess Phi is 80/117"
