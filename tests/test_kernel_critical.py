"""The ``symmorse-critical/1`` kernel: genuine certificates accepted, each tampering rejected with its reason.

Oracles independent of both the search and the kernel: mpmath at high
precision (the kernel's enclosures contain mpmath values of grad Phi and
Hess Phi at sample points; the certified points agree with mpmath's Newton
iteration and their indices with mpmath's eigenvalues).
"""

import copy
import json
import random
import re

import mpmath
import pytest
from flint import arb, ctx, fmpq

from symmorse.kernel import check_certificate
from symmorse.kernel import critical as kc
from symmorse.model.network import Network
from symmorse.search.critical_validated import validated_critical_points


def random_net(widths, activation, seed, scale=12):
    rng = random.Random(seed)
    layers = [
        {
            "W": [[f"{rng.randint(-scale, scale)}/8" for _ in range(a)] for _ in range(b)],
            "b": [f"{rng.randint(-8, 8)}/8" for _ in range(b)],
        }
        for a, b in zip(widths, widths[1:])
    ]
    return Network(",".join(map(str, widths)), activation, layers), layers


CASES = [
    ([2, 3, 1], "tanh", 5),
    ([2, 4, 4, 1], "tanh", 7),
    ([2, 4, 4, 1], "sigmoid", 2),
    ([1, 4, 1], "tanh", 2),
    ([1, 3, 1], "sigmoid", 2),
    ([2, 4, 1], "arctan", 7),
]


@pytest.fixture(scope="module")
def certificates():
    out = {}
    for widths, act, seed in CASES:
        net, layers = random_net(widths, act, seed)
        result = validated_critical_points(net, [(-3, 3)])
        out[tuple(widths), act, seed] = (net, layers, result, result.certificate)
    return out


@pytest.fixture(scope="module")
def saddle():
    """``Phi = f(x1 + x2) - f(x1 - x2)``, f an even bump: one saddle at 0 (index 1)."""
    W = [[1, 1], [1, 1], [1, -1], [1, -1]]
    h = "1/2"
    net = Network("2,4,1", "tanh", [{"W": W, "b": [h, "-1/2", h, "-1/2"]}, {"W": [[1, -1, -1, 1]], "b": [0]}])
    result = validated_critical_points(net, ["-2,2"])
    assert result.complete and [p.index for p in result.points] == [1]
    return result.certificate


def rejected(cert, pattern):
    verdict = kc.check(cert)
    assert not verdict.accepted, "a tampered certificate was accepted"
    assert re.fullmatch(pattern, verdict.reason), verdict.reason
    return verdict


# -- mpmath oracles ---------------------------------------------------------------------------------

SIGMA = {
    "tanh": mpmath.tanh,
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "arctan": mpmath.atan,
    "softplus": lambda z: mpmath.log(1 + mpmath.exp(z)),
    "silu": lambda z: z / (1 + mpmath.exp(-z)),
    "gelu": lambda z: z * (1 + mpmath.erf(z / mpmath.sqrt(2))) / 2,
}


def phi(layers, act):
    def f(*x):
        h = list(x)
        for k, layer in enumerate(layers):
            z = [
                sum(mpmath.mpf(fmpq_to_mpf(w)) * hi for w, hi in zip(row, h)) + fmpq_to_mpf(b)
                for row, b in zip(layer["W"], layer["b"])
            ]
            h = z if k == len(layers) - 1 else [SIGMA[act](zi) for zi in z]
        return h[0]

    return f


def to_mpf(q):
    return mpmath.mpf(int(q.p)) / int(q.q)


def fmpq_to_mpf(text):
    p, _, q = str(text).partition("/")
    return mpmath.mpf(int(p)) / int(q or 1)


def test_kernel_activations_contain_mpmath_values():
    rng = random.Random(0)
    with mpmath.workdps(40), ctx.workprec(64):
        for name, f in SIGMA.items():
            for _ in range(20):
                lo = fmpq(rng.randint(-40, 40), 8)
                hi = lo + fmpq(rng.randint(1, 16), 8)
                ball = arb(lo).union(arb(hi))
                s, d1, d2 = kc.ACTIVATIONS[name](ball)
                for t in (0, 0.3, 0.5, 1):
                    z = to_mpf(lo) + t * (to_mpf(hi) - to_mpf(lo))
                    for enc, value in ((s, f(z)), (d1, mpmath.diff(f, z)), (d2, mpmath.diff(f, z, 2))):
                        assert enc.contains(arb(mpmath.nstr(value, 35))), (name, z)


def test_kernel_enclosures_contain_mpmath_gradient_and_hessian():
    rng = random.Random(1)
    for widths, act in (([2, 4, 4, 1], "tanh"), ([3, 3, 1], "sigmoid"), ([2, 3, 1], "gelu")):
        _, layers = random_net(widths, act, rng.randint(0, 99))
        f = phi(layers, act)
        with ctx.workprec(64):
            net = kc._Network(widths, kc.ACTIVATIONS[act], layers)
            for _ in range(5):
                starts = [rng.randint(-40, 30) for _ in range(widths[0])]
                box = tuple((fmpq(k, 16), fmpq(k + rng.randint(1, 8), 16)) for k in starts)
                c, x, grad_c, grad, H = net.over(box)
                point = [to_mpf(lo) + mpmath.mpf(rng.random()) * (to_mpf(hi) - to_mpf(lo)) for lo, hi in box]
                with mpmath.workdps(40):
                    n = widths[0]
                    for i in range(n):
                        order = tuple(int(j == i) for j in range(n))
                        g = mpmath.diff(f, point, order)
                        assert grad[i].contains(arb(mpmath.nstr(g, 35)))
                        for j in range(n):
                            order2 = tuple(int(k == i) + int(k == j) for k in range(n))
                            assert H[i, j].contains(arb(mpmath.nstr(mpmath.diff(f, point, order2), 35)))


# -- genuine certificates ---------------------------------------------------------------------------


def test_genuine_certificates_are_accepted(certificates):
    for (widths, act, seed), (_, _, result, cert) in certificates.items():
        assert result.complete, (widths, act, seed)
        verdict = check_certificate(json.loads(json.dumps(cert)))  # dispatch on format, via JSON
        assert verdict.accepted, (widths, act, seed, verdict.reason)
        found, leaves = len(result.points), len(cert["leaves"])
        counted = f"{found} critical point{'' if found == 1 else 's'} in the domain"
        assert verdict.reason.startswith(counted), verdict.reason
        assert verdict.reason.endswith(f"complete; {leaves} lea{'f' if leaves == 1 else 'ves'}")


def test_certified_points_agree_with_newton_and_eigenvalues(certificates):
    found = 0
    for (widths, act, _), (_, layers, _, cert) in certificates.items():
        f = phi(layers, act)
        n = widths[0]
        for p in cert["points"]:
            if p["same_as"] is not None:
                continue
            found += 1
            inner = [(fmpq_to_mpf(lo), fmpq_to_mpf(hi)) for lo, hi in p["inner"]]
            with mpmath.workdps(40):
                start = [(lo + hi) / 2 for lo, hi in inner]
                grad = [
                    lambda *x, i=i, f=f, n=n: mpmath.diff(f, x, tuple(int(j == i) for j in range(n)))
                    for i in range(n)
                ]
                root = mpmath.findroot(grad, start) if n > 1 else [mpmath.findroot(grad[0], start[0])]
                root = [root[i] for i in range(n)]
                assert all(lo <= r <= hi for r, (lo, hi) in zip(root, inner))
                hess = mpmath.matrix(n, n)
                for i in range(n):
                    for j in range(n):
                        hess[i, j] = mpmath.diff(f, root, tuple(int(k == i) + int(k == j) for k in range(n)))
                eig = mpmath.eigsy(hess)[0]
                assert sum(1 for e in eig if e < 0) == p["index"]
    assert found >= 8


def test_saddle_with_zero_diagonal(saddle):
    assert kc.check(saddle).accepted


def test_an_incomplete_certificate_is_accepted_as_incomplete():
    # Phi = tanh(x1 + x2) - tanh(x1 + x2) = 0: every point is critical, every box unresolved
    net = Network("2,2,1", "tanh", [{"W": [[1, 1], [1, 1]], "b": [0, 0]}, {"W": [[1, -1]], "b": [0]}])
    result = validated_critical_points(net, ["-1,1"], min_width="1/2")
    cert = result.certificate
    assert not result.complete and cert["complete"] is False
    assert kc.check(cert).reason.startswith("0 critical points in the domain (0 boundary), NOT complete")
    cert["complete"] = True
    rejected(cert, r"complete is claimed but leaf \d+ is unresolved")


# -- tampering ---------------------------------------------------------------------------------------


def test_a_box_dropped_from_the_cover(saddle):
    cert = copy.deepcopy(saddle)
    del cert["leaves"][len(cert["leaves"]) // 2]
    rejected(cert, r"the leaves leave a gap next to leaf \d+")


def test_overlapping_and_gapped_and_outside_boxes(saddle):
    cert = copy.deepcopy(saddle)
    cert["leaves"].append(copy.deepcopy(cert["leaves"][3]))
    rejected(cert, r"the leaves overlap: near leaf \d+")
    cert = copy.deepcopy(saddle)
    lo, hi = cert["leaves"][3]["box"][0]
    cert["leaves"][3]["box"][0] = [lo, str(kc._q(lo, "") / 2 + kc._q(hi, "") / 2)]  # half of it
    rejected(cert, r"the leaves leave a gap next to leaf \d+|the leaves overlap: near leaf \d+")
    cert = copy.deepcopy(saddle)
    big = copy.deepcopy(cert["leaves"][0])
    big["box"] = [["-2", "2"], ["-2", "2"]]
    cert["leaves"] = [big] + cert["leaves"]
    rejected(cert, r"the leaves overlap: near leaf \d+")
    cert["leaves"][0]["box"] = [["-3", "2"], ["-2", "2"]]
    rejected(cert, r"leaf 0 is not inside the domain")


def test_an_exclusion_that_does_not_hold(saddle):
    cert = copy.deepcopy(saddle)
    for leaf in cert["leaves"]:
        if leaf["kind"] == "unique":
            leaf.update(kind="excluded", coordinate=0)
    rejected(cert, r"leaf \d+: the gradient enclosure does not exclude 0 in coordinate 0")


def test_a_krawczyk_exclusion_with_a_wrong_matrix(certificates):
    cert = copy.deepcopy(certificates[(2, 4, 4, 1), "tanh", 7][3])
    k = next(k for k, leaf in enumerate(cert["leaves"]) if "krawczyk" in leaf)
    cert["leaves"][k]["krawczyk"]["Y"] = [["0", "0"], ["0", "0"]]
    rejected(cert, rf"leaf {k}: the Krawczyk image does not miss the leaf in coordinate \d")
    cert = copy.deepcopy(certificates[(2, 4, 4, 1), "tanh", 7][3])
    box = cert["leaves"][k]["krawczyk"]["box"]
    box[0][1] = box[0][0]
    rejected(cert, rf"leaf {k} krawczyk box: every side needs lo < hi")


def test_a_krawczyk_box_moved(saddle):
    cert = copy.deepcopy(saddle)
    box = cert["points"][0]["box"]
    cert["points"][0]["box"] = [[str(kc._q(lo, "") + 1), str(kc._q(hi, "") + 1)] for lo, hi in box]
    rejected(cert, r"point 0: K\(X\) is not inside the interior of its box")
    cert = copy.deepcopy(saddle)
    inner = cert["points"][0]["inner"]
    cert["points"][0]["inner"] = [[str(kc._q(lo, "") + 1), str(kc._q(hi, "") + 1)] for lo, hi in inner]
    rejected(cert, r"point 0: K\(X\) is not inside the interior of its inner box")


def test_an_index_changed(saddle, certificates):
    cert = copy.deepcopy(saddle)
    cert["points"][0]["index"] = 2
    rejected(cert, r"point 0: the Morse index is 1, not 2")
    cert = copy.deepcopy(certificates[(1, 4, 1), "tanh", 2][3])
    j = next(j for j, p in enumerate(cert["points"]) if p["same_as"] is None)
    true = cert["points"][j]["index"]
    cert["points"][j]["index"] = 1 - true
    rejected(cert, rf"point {j}: the Morse index is {true}, not {1 - true}")


def test_a_weight_changed(saddle):
    cert = copy.deepcopy(saddle)
    cert["layers"][1]["W"] = [["-1", "1", "1", "-1"]]  # -Phi: same points, other Hessian
    rejected(cert, r"point 0: K\(X\) is not inside the interior of its box")
    cert = copy.deepcopy(saddle)
    cert["layers"][0]["b"][0] = "3/4"  # the saddle moves off the certified boxes
    assert not kc.check(cert).accepted


def test_points_duplicated_or_misattributed(saddle):
    cert = copy.deepcopy(saddle)
    cert["points"].append(copy.deepcopy(cert["points"][0]))
    rejected(cert, r"points 0 and 1 are not shown to be distinct")
    cert["points"][1]["same_as"] = 0
    assert kc.check(cert).accepted  # the same point twice, identified
    cert["points"][1]["same_as"] = 1
    rejected(cert, r"point 1: same_as must name an earlier point")
    cert = copy.deepcopy(saddle)
    k = next(k for k, leaf in enumerate(cert["leaves"]) if leaf["kind"] == "excluded")
    cert["leaves"][k] = {"box": cert["leaves"][k]["box"], "kind": "unique", "point": 0}
    rejected(cert, rf"leaf {k} is not inside the box of point 0")


def test_malformed_numbers_and_activations(saddle):
    cert = copy.deepcopy(saddle)
    cert["layers"][0]["W"][0][0] = "1.0"
    rejected(cert, r"layer 1 W\[0\]\[0\]: not a rational p/q")
    cert = copy.deepcopy(saddle)
    cert["activation"] = "relu"
    rejected(cert, r"the kernel has no ball arithmetic for activation 'relu'")
    cert = copy.deepcopy(saddle)
    cert["leaves"][0]["kind"] = "fine"
    rejected(cert, r"leaf 0: unknown kind 'fine'")


def test_cli_writes_a_certificate_that_check_accepts(tmp_path, capsys):
    from symmorse.cli import main

    weights = tmp_path / "w.json"
    _, layers = random_net([2, 3, 1], "tanh", 5)
    weights.write_text(json.dumps({"widths": [2, 3, 1], "activation": "tanh", "layers": layers}))
    proof = tmp_path / "proof.json"
    assert (
        main(["critical-points", "--weights", str(weights), "--box=-3,3", "--certificate", str(proof)]) == 0
    )
    assert json.loads(proof.read_text())["format"] == "symmorse-critical/1"
    capsys.readouterr()
    assert main(["check", str(proof)]) == 0
    assert "2 critical points in the domain (0 boundary), complete" in capsys.readouterr().out
    data = json.loads(proof.read_text())
    data["points"][0]["index"] = 1 - data["points"][0]["index"] if data["points"][0]["index"] < 2 else 0
    proof.write_text(json.dumps(data))
    assert main(["check", str(proof)]) != 0
    missing = tmp_path / "no" / "proof.json"
    assert main(["critical-points", "--weights", str(weights), "--certificate", str(missing)]) == 2


# -- the claims of the stronger search: the parent's Hessian, definite Hessians --------------------


def test_exclusions_with_the_parents_hessian_are_checked(certificates):
    cert = copy.deepcopy(certificates[(2, 4, 4, 1), "tanh", 7][3])
    k = next(k for k, leaf in enumerate(cert["leaves"]) if "hessian_box" in leaf)
    leaf = cert["leaves"][k]
    leaf["hessian_box"] = [[hi, str(kc._q(hi, "") + 1)] for _, hi in leaf["box"]]  # not around the leaf
    rejected(cert, rf"leaf {k} is not inside its hessian_box")
    cert = copy.deepcopy(certificates[(2, 4, 4, 1), "tanh", 7][3])
    k = next(k for k, leaf in enumerate(cert["leaves"]) if "hessian_box" in leaf.get("krawczyk", {}))
    cert["leaves"][k]["krawczyk"]["Y"] = [["0", "0"], ["0", "0"]]
    rejected(cert, rf"leaf {k}: the Krawczyk image does not miss the leaf in coordinate \d")
    cert = copy.deepcopy(certificates[(2, 4, 4, 1), "tanh", 7][3])
    k = next(k for k, leaf in enumerate(cert["leaves"]) if leaf["kind"] == "unique")
    cert["leaves"][k].update(kind="excluded", coordinate=0, hessian_box=cert["domain"])
    del cert["leaves"][k]["point"]
    rejected(cert, rf"leaf {k}: the gradient enclosure does not exclude 0 in coordinate 0")


def test_a_single_leaf_needs_a_definite_hessian_and_the_point():
    # Phi = tanh(x + 1/2) - tanh(x - 1/2): one maximum, at 0, and Phi'' < 0 on [-1/4, 1/4]
    net = Network("1,2,1", "tanh", [{"W": [[1], [1]], "b": ["1/2", "-1/2"]}, {"W": [[1, -1]], "b": [0]}])
    cert = validated_critical_points(net, ["-1/4,1/4"]).certificate
    assert [p["index"] for p in cert["points"]] == [1]
    cert["leaves"] = [{"box": cert["domain"], "kind": "single", "point": 0}]  # the whole domain at once
    assert kc.check(cert).accepted
    wide = copy.deepcopy(cert)
    wide["domain"] = wide["leaves"][0]["box"] = [["-3", "3"]]  # Phi'' changes sign on [-3, 3]
    rejected(wide, r"leaf 0: the Hessian enclosure is not definite")
    moved = copy.deepcopy(cert)
    moved["domain"] = moved["leaves"][0]["box"] = [["1/8", "1/4"]]  # the maximum is not in the leaf
    rejected(moved, r"leaf 0 does not hold the inner box of point 0")


def test_curves_of_a_bottleneck_are_checked_through_the_nested_certificate():
    layers = [
        {"W": [[1, 2]], "b": ["3/10"]},
        {"W": [[1], [-2]], "b": ["1/10", "1/2"]},
        {"W": [[1, 1]], "b": [0]},
    ]
    cert = json.loads(
        json.dumps(validated_critical_points(Network("2,1,2,1", "tanh", layers), ["-2,2"]).certificate)
    )
    assert kc.check(cert).reason.endswith("1 level set of critical points a . x + beta = t, complete; 1 leaf")
    tampered = copy.deepcopy(cert)
    tampered["bottleneck"]["layers"][1]["b"][0] = "1/5"  # g is not the rest of Phi
    rejected(tampered, r"bottleneck: its layer 2 is not layer 2 of Phi")
    tampered = copy.deepcopy(cert)
    unique = [leaf for leaf in tampered["bottleneck"]["leaves"] if leaf["kind"] == "unique"]
    for leaf in unique:
        leaf.update(kind="excluded", coordinate=0)
        del leaf["point"]
    rejected(tampered, r"bottleneck: leaf \d+: the gradient enclosure does not exclude 0 in coordinate 0")
    tampered = copy.deepcopy(cert)
    tampered["domain"] = tampered["leaves"][0]["box"] = [["-3", "2"], ["-2", "2"]]  # a . x + beta leaves T
    rejected(tampered, r"leaf 0: a \. x \+ beta leaves the domain of the bottleneck")
    tampered = copy.deepcopy(cert)
    del tampered["bottleneck"]
    rejected(tampered, r"leaf 0: curves need a bottleneck certificate")
    tampered = copy.deepcopy(cert)
    tampered["layers"][0]["W"] = [["0", "0"]]
    tampered["bottleneck"]["complete"] = False
    rejected(tampered, r"bottleneck: .*")
