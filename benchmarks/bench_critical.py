"""Certified enumeration of all critical points (and its re-check) against float Newton from a grid.

Networks: tanh MLPs ``2,16,16,1`` (seeds 0, 1, 2), ``2,32,32,1`` and ``3,8,8,1`` on
``[-3, 3]^n`` and ``4,6,6,1`` on ``[-2, 2]^4``, with seeded random weights of a
trained-like scale (``W_l[i][j] ~ N(0, 1.5^2 / n_{l-1})``, biases ``~ N(0,
0.5^2)``, rounded to float32 like a trained PyTorch model's and then read
exactly).

For each network, in one run: the CPU time (``time.process_time``, median of
``--repeat`` runs) of :func:`symmorse.search.critical.critical_points` (validated
route), the CPU time of ``symmorse check`` on its ``symmorse-critical/1``
certificate (:func:`symmorse.kernel.check_certificate`), and a floating-point
Newton baseline (NumPy, vectorised over a ``G^n`` grid of starts, roots
deduplicated) and SciPy's ``optimize.root`` (``hybr``, analytic Jacobian) from
every start of the same grid (``not run`` without SciPy), each with how many
certified points it found or missed and how many roots it reported that are not
certified points; the last columns are the CPU-time ratios of the certified
search to each baseline.  ``--time-limit S`` gives the search a CPU-time limit:
an incomplete answer prints the fraction of the volume it resolved.  With
``PYTHONPATH`` pointing at an older checkout the script times that version's
search (no certificate there: the check column is empty).

Usage: python benchmarks/bench_critical.py [--repeat 3] [--grid G] [--only 2,16,16,1] [--time-limit S]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from symmorse.model.network import Network
from symmorse.search.critical import critical_points

#: (widths, seed, half-width of the box [-a, a]^n)
CASES = [
    ([2, 16, 16, 1], 0, 3.0),
    ([2, 16, 16, 1], 1, 3.0),
    ([2, 16, 16, 1], 2, 3.0),
    ([2, 32, 32, 1], 0, 3.0),
    ([3, 8, 8, 1], 0, 3.0),
    ([4, 6, 6, 1], 0, 2.0),
]
#: Starts per axis of the baselines' grid, by input width (the same grid for Newton and SciPy).
GRID = {1: 40, 2: 20, 3: 12, 4: 8}


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


def starts(n: int, grid: int, half: float) -> np.ndarray:
    """The grid^n starting points of the baselines in [-half, half]^n."""
    axis = np.linspace(-half, half, grid)
    return np.array(np.meshgrid(*[axis] * n)).reshape(n, -1).T


def distinct(points, half: float) -> list[np.ndarray]:
    """The points in the box, duplicates (closer than 1e-7) removed."""
    roots: list[np.ndarray] = []
    for x in points:
        if np.all(np.abs(x) <= half) and all(np.linalg.norm(x - r) > 1e-7 for r in roots):
            roots.append(x)
    return roots


def newton_baseline(layers: list[dict], n: int, grid: int, half: float) -> list[np.ndarray]:
    """Critical points found by Newton from a grid^n set of starts in the box (vectorised)."""
    X = starts(n, grid, half)
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
    return distinct(X[ok], half)


def scipy_baseline(layers: list[dict], n: int, grid: int, half: float) -> list[np.ndarray] | None:
    """Critical points found by ``scipy.optimize.root`` from every grid start (None without SciPy)."""
    try:
        from scipy.optimize import root
    except ImportError:
        return None

    def gradient(x):
        return derivatives(layers, x[None, :])[0][0]

    def hessian(x):
        return derivatives(layers, x[None, :])[1][0]

    found = []
    with np.errstate(all="ignore"):
        for x0 in starts(n, grid, half):
            sol = root(gradient, x0, jac=hessian, method="hybr")
            if sol.success and np.linalg.norm(gradient(sol.x)) < 1e-10:
                found.append(sol.x)
    return distinct(found, half)


def compare(result, roots: list[np.ndarray] | None) -> tuple[int, int, int] | None:
    """(certified points the baseline found, certified points it missed, its roots outside every box)."""
    if roots is None:
        return None
    boxes = [[(float(lo), float(hi)) for lo, hi in p.box] for p in result.points]

    def inside(x, box):
        return all(lo - 1e-9 <= xi <= hi + 1e-9 for xi, (lo, hi) in zip(x, box))

    found = sum(1 for box in boxes if any(inside(x, box) for x in roots))
    extra = sum(1 for x in roots if not any(inside(x, box) for box in boxes))
    return found, len(boxes) - found, extra


def validated(net: Network, box: list, time_limit: float | None) -> object:
    return critical_points(net, box, method="validated", time_limit=time_limit)


def resolved_fraction(result, half: float, n: int) -> float:
    """The fraction of the box's volume outside the unresolved boxes."""
    total = (2 * half) ** n
    lost = sum(float(np.prod([float(hi - lo) for lo, hi in u.box])) for u in result.unresolved if u.box)
    return 1 - lost / total


def cpu(f, *args):
    start = time.process_time()
    value = f(*args)
    return time.process_time() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--grid", type=int, help="baseline starts per axis (default 20, 12, 8 for n = 2, 3, 4)"
    )
    parser.add_argument("--only", help="only this architecture, e.g. 2,16,16,1")
    parser.add_argument("--time-limit", type=float, help="CPU seconds for each search (then partial)")
    parser.add_argument("--no-scipy", action="store_true", help="skip the SciPy baseline")
    parser.add_argument("--json", action="store_true", help="one JSON line per network")
    args = parser.parse_args()
    try:
        from symmorse.kernel import check_certificate
    except ImportError:  # pragma: no cover - an old checkout
        check_certificate = None
    for arch, seed, half in CASES:
        name = ",".join(map(str, arch))
        if args.only and args.only != name:
            continue
        layers = random_layers(arch, seed)
        net = Network(arch, "tanh", layers)
        n = arch[0]
        grid = args.grid or GRID[n]
        box = [(-half, half)]
        runs = [cpu(validated, net, box, args.time_limit) for _ in range(args.repeat)]
        search, result = statistics.median(t for t, _ in runs), runs[-1][1]
        certificate = getattr(result, "certificate", None)
        check = verdict = None
        if certificate is not None and check_certificate is not None:
            data = json.loads(json.dumps(certificate))
            try:
                checks = [cpu(check_certificate, data) for _ in range(args.repeat)]
                check, verdict = statistics.median(t for t, _ in checks), checks[-1][1]
            except Exception as exc:  # e.g. an old checkout's size limits
                print(f"  (check refused the certificate: {str(exc)[:100]})")
        newton = [cpu(newton_baseline, layers, n, grid, half) for _ in range(args.repeat)]
        newton_time, roots = statistics.median(t for t, _ in newton), newton[-1][1]
        scipy_time = scipy_roots = None
        if not args.no_scipy:
            scipy_time, scipy_roots = cpu(scipy_baseline, layers, n, grid, half)
            if scipy_roots is None:
                scipy_time = None
        by_newton, by_scipy = compare(result, roots), compare(result, scipy_roots)
        fraction = resolved_fraction(result, half, n)
        row = {
            "network": f"{name} seed {seed}",
            "box": f"[-{half:g},{half:g}]^{n}",
            "search_cpu": round(search, 2),
            "check_cpu": None if check is None else round(check, 2),
            "accepted": None if verdict is None else verdict.accepted,
            "points": len(result.points),
            "complete": result.complete,
            "resolved": round(fraction, 6),
            "boxes": result.boxes_examined,
            "grid": f"{grid}^{n}",
            "newton_cpu": round(newton_time, 3),
            "newton_found_missed_extra": by_newton,
            "scipy_cpu": None if scipy_time is None else round(scipy_time, 2),
            "scipy_found_missed_extra": by_scipy,
            "ratio_newton": round(search / newton_time, 2),
            "ratio_scipy": None if scipy_time is None else round(search / scipy_time, 2),
        }
        if args.json:
            print(json.dumps(row), flush=True)
            continue
        ok = verdict is not None and verdict.accepted
        checked = "" if check is None else f"check {check:6.2f} s ({'accepted' if ok else 'REJECTED'})"
        status = "complete" if result.complete else f"PARTIAL ({100 * fraction:.4f}% of the volume resolved)"
        scipy_text = (
            "SciPy not run"
            if scipy_time is None
            else f"SciPy {scipy_time:.2f} s found/missed/extra {by_scipy} (x{search / scipy_time:.2f})"
        )
        print(
            f"{row['network']:<18} {row['box']:<11} search {search:7.2f} s  {checked:<26} "
            f"{len(result.points)} points, {status}, {result.boxes_examined} boxes | Newton {grid}^{n} "
            f"{newton_time:.3f} s found/missed/extra {by_newton} (x{search / newton_time:.2f}) "
            f"| {scipy_text}",
            flush=True,
        )


if __name__ == "__main__":
    main()
