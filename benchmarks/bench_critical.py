"""Certified enumeration of all critical points (and its re-check) against float Newton from a grid.

Networks: tanh MLPs ``2,16,16,1`` (seeds 0, 1, 2), ``2,32,32,1`` and ``3,8,8,1``
with seeded random weights of a trained-like scale (``W_l[i][j] ~ N(0, 1.5^2 /
n_{l-1})``, biases ``~ N(0, 0.5^2)``, rounded to float32 like a trained PyTorch
model's and then read exactly), on the box ``[-3, 3]^n``.

For each network, in one run: the CPU time (``time.process_time``, median of
``--repeat`` runs) of :func:`symmorse.search.critical.critical_points` (validated
route), the CPU time of ``symmorse check`` on its ``symmorse-critical/1``
certificate (:func:`symmorse.kernel.check_certificate`), and a floating-point
Newton baseline (NumPy, vectorised over a ``G^n`` grid of starts, roots
deduplicated) with how many certified points it found or missed.  With
``PYTHONPATH`` pointing at an older checkout the script times that version's
search (no certificate there: the check column is empty).

Usage: python benchmarks/bench_critical.py [--repeat 3] [--grid 20] [--only 2,16,16,1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from symmorse.model.network import Network
from symmorse.search.critical import critical_points

CASES = [
    ([2, 16, 16, 1], 0),
    ([2, 16, 16, 1], 1),
    ([2, 16, 16, 1], 2),
    ([2, 32, 32, 1], 0),
    ([3, 8, 8, 1], 0),
]
HALF_WIDTH = 3.0


def random_layers(arch: list[int], seed: int, scale: float = 1.5) -> list[dict]:
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in zip(arch, arch[1:]):
        W = rng.normal(0, scale / np.sqrt(fan_in), size=(fan_out, fan_in)).astype(np.float32)
        b = rng.normal(0, 0.5, size=fan_out).astype(np.float32)
        layers.append({"W": W.tolist(), "b": b.tolist()})
    return layers


def derivatives(layers: list[dict], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients (m, n) and Hessians (m, n, n) of Phi at the rows of X, float64 (the baseline)."""
    Ws = [np.array(layer["W"], dtype=float) for layer in layers]
    bs = [np.array(layer["b"], dtype=float) for layer in layers]
    h, d1s, d2s, Js, J = X, [], [], [], None
    for W, b in zip(Ws[:-1], bs[:-1]):
        J = np.broadcast_to(W, (len(X), *W.shape)) if J is None else np.einsum("ij,mjk->mik", W, J)
        t = np.tanh(h @ W.T + b)
        d1 = 1 - t**2
        d1s.append(d1)
        d2s.append(-2 * t * d1)
        Js.append(J)
        J = d1[:, :, None] * J
        h = t
    v = np.broadcast_to(Ws[-1][0], d1s[-1].shape)
    vs = [None] * len(d1s)
    for l in reversed(range(len(d1s))):
        vs[l] = v
        v = (d1s[l] * v) @ Ws[l]
    H = sum(np.einsum("mji,mj,mjk->mik", J, d2 * vl, J) for J, d2, vl in zip(Js, d2s, vs))
    return v, H


def newton_baseline(layers: list[dict], n: int, grid: int) -> list[np.ndarray]:
    """Critical points found by Newton from a grid^n set of starts in the box."""
    axis = np.linspace(-HALF_WIDTH, HALF_WIDTH, grid)
    X = np.array(np.meshgrid(*[axis] * n)).reshape(n, -1).T
    with np.errstate(all="ignore"):
        for _ in range(50):
            g, H = derivatives(layers, X)
            try:
                step = np.linalg.solve(H, g[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                step = np.stack([np.linalg.lstsq(h, gi, rcond=None)[0] for h, gi in zip(H, g)])
            X = np.where(np.isfinite(step), X - step, np.nan)
        g, _ = derivatives(layers, X)
        ok = np.all(np.isfinite(X), 1) & (np.linalg.norm(g, axis=1) < 1e-10)
        ok &= np.all(np.abs(X) <= HALF_WIDTH, 1)
    roots: list[np.ndarray] = []
    for x in X[ok]:
        if all(np.linalg.norm(x - r) > 1e-7 for r in roots):
            roots.append(x)
    return roots


def compare(result, roots: list[np.ndarray]) -> tuple[int, int]:
    """(certified points found by the baseline, certified points it missed)."""
    boxes = [[(float(lo), float(hi)) for lo, hi in p.box] for p in result.points]

    def inside(x, box):
        return all(lo - 1e-9 <= xi <= hi + 1e-9 for xi, (lo, hi) in zip(x, box))

    found = sum(1 for box in boxes if any(inside(x, box) for x in roots))
    return found, len(boxes) - found


def validated(net: Network, box: list) -> object:
    return critical_points(net, box, method="validated")


def cpu(f, *args):
    start = time.process_time()
    value = f(*args)
    return time.process_time() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--grid", type=int, default=20, help="Newton starts per axis")
    parser.add_argument("--only", help="only this architecture, e.g. 2,16,16,1")
    parser.add_argument("--json", action="store_true", help="one JSON line per network")
    args = parser.parse_args()
    try:
        from symmorse.kernel import check_certificate
    except ImportError:  # pragma: no cover - an old checkout
        check_certificate = None
    for arch, seed in CASES:
        name = ",".join(map(str, arch))
        if args.only and args.only != name:
            continue
        layers = random_layers(arch, seed)
        net = Network(arch, "tanh", layers)
        n = arch[0]
        box = [(-HALF_WIDTH, HALF_WIDTH)]
        runs = [cpu(validated, net, box) for _ in range(args.repeat)]
        search, result = statistics.median(t for t, _ in runs), runs[-1][1]
        certificate = getattr(result, "certificate", None)
        check = verdict = None
        if certificate is not None and check_certificate is not None:
            data = json.loads(json.dumps(certificate))
            checks = [cpu(check_certificate, data) for _ in range(args.repeat)]
            check, verdict = statistics.median(t for t, _ in checks), checks[-1][1]
        newton = [cpu(newton_baseline, layers, n, args.grid) for _ in range(args.repeat)]
        newton_time, roots = statistics.median(t for t, _ in newton), newton[-1][1]
        found, missed = compare(result, roots)
        row = {
            "network": f"{name} seed {seed}",
            "search_cpu": round(search, 2),
            "check_cpu": None if check is None else round(check, 2),
            "accepted": None if verdict is None else verdict.accepted,
            "points": len(result.points),
            "complete": result.complete,
            "boxes": result.boxes_examined,
            "newton_cpu": round(newton_time, 3),
            "newton_found": found,
            "newton_missed": missed,
        }
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            ok = verdict is not None and verdict.accepted
            checked = "" if check is None else f"check {check:6.2f} s ({'accepted' if ok else 'REJECTED'})"
            print(
                f"{row['network']:<18} search {search:7.2f} s  {checked:<26} {len(result.points)} points, "
                f"complete={result.complete}, {result.boxes_examined} boxes | Newton {args.grid}^{n} "
                f"{newton_time:.3f} s found {found}, missed {missed}",
                flush=True,
            )


if __name__ == "__main__":
    main()
