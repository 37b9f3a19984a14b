"""Certified enumeration of all critical points of a 2,16,16,1 tanh network against float Newton.

Network: widths 2,16,16,1, tanh, seeded random weights of a trained-like
scale: every weight ``W_l[i][j] ~ N(0, 1.5^2 / n_{l-1})`` (1.5 times LeCun's
initialisation), every bias ``~ N(0, 0.5^2)``, rounded to float32 like the
weights of a trained PyTorch model (and then read exactly).  Box [-4, 4]^2.

Certified: :func:`symmorse.search.critical.critical_points` (validated route: ball
arithmetic branch-and-bound, Krawczyk, LDL^T inertia), median of ``--repeat``
runs.  Baseline, in the same run: floating-point Newton's method (NumPy,
vectorised over all starts) from a G x G grid of starts, roots deduplicated;
its median time, and how many of the certified points it found, missed, or
what it reported that is not in any certified box.

Usage: python benchmarks/bench_critical.py [--seeds 0 1 2] [--repeat 5] [--grids 10 20 40] [--scale 1.5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from symmorse.model.network import Network
from symmorse.search.critical import critical_points

ARCH = [2, 16, 16, 1]
BOX = (-4.0, 4.0)


def random_layers(seed: int, scale: float = 1.5) -> list[dict]:
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in, fan_out in zip(ARCH, ARCH[1:]):
        W = rng.normal(0, scale / np.sqrt(fan_in), size=(fan_out, fan_in)).astype(np.float32)
        b = rng.normal(0, 0.5, size=fan_out).astype(np.float32)
        layers.append({"W": W.tolist(), "b": b.tolist()})
    return layers


def derivatives(layers: list[dict], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients (m, n) and Hessians (m, n, n) of Phi at the rows of X, float64 (the baseline)."""
    Ws = [np.array(layer["W"], dtype=float) for layer in layers]
    bs = [np.array(layer["b"], dtype=float) for layer in layers]
    h, d1s, d2s, Js = X, [], [], []
    J = None
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


def newton_baseline(layers: list[dict], grid: int) -> list[np.ndarray]:
    """Critical points found by Newton from a grid x grid set of starts in the box."""
    axis = np.linspace(*BOX, grid)
    X = np.array(np.meshgrid(axis, axis)).reshape(2, -1).T
    with np.errstate(all="ignore"):
        for _ in range(50):
            g, H = derivatives(layers, X)
            det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] ** 2
            step = (
                np.stack(
                    [
                        (H[:, 1, 1] * g[:, 0] - H[:, 0, 1] * g[:, 1]),
                        (H[:, 0, 0] * g[:, 1] - H[:, 0, 1] * g[:, 0]),
                    ],
                    1,
                )
                / det[:, None]
            )
            X = np.where(np.isfinite(step), X - step, np.nan)
        g, _ = derivatives(layers, X)
        ok = np.all(np.isfinite(X), 1) & (np.linalg.norm(g, axis=1) < 1e-10)
        ok &= np.all((BOX[0] <= X) & (BOX[1] >= X), 1)
    roots: list[np.ndarray] = []
    for x in X[ok]:
        if all(np.linalg.norm(x - r) > 1e-7 for r in roots):
            roots.append(x)
    return roots


def compare(result, roots: list[np.ndarray]) -> tuple[int, int, int]:
    """(certified points found by the baseline, missed, baseline roots in no certified box)."""
    boxes = [[(float(lo), float(hi)) for lo, hi in p.box] for p in result.points]

    def inside(x, box):
        return all(lo - 1e-9 <= xi <= hi + 1e-9 for xi, (lo, hi) in zip(x, box))

    found = sum(1 for box in boxes if any(inside(x, box) for x in roots))
    stray = sum(1 for x in roots if not any(inside(x, box) for box in boxes))
    return found, len(boxes) - found, stray


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--grids", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--scale", type=float, default=1.5, help="weights ~ N(0, scale^2 / fan-in)")
    args = parser.parse_args()
    print(f"2,16,16,1 tanh on [-4,4]^2, weight scale {args.scale}, medians of {args.repeat} runs")
    for seed in args.seeds:
        layers = random_layers(seed, args.scale)
        net = Network(ARCH, "tanh", layers)
        times, result = [], None
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = critical_points(net, [BOX])
            times.append(time.perf_counter() - start)
        certified = statistics.median(times)
        counts = ", ".join(f"{n}x index {i}" for i, n in result.count_by_index().items())
        print(
            f"seed {seed}: certified {certified:.2f} s  {len(result.points)} points ({counts}), "
            f"complete={result.complete}, {result.boxes_examined} boxes"
        )
        for grid in args.grids:
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                roots = newton_baseline(layers, grid)
                runs.append(time.perf_counter() - start)
            found, missed, stray = compare(result, roots)
            baseline = statistics.median(runs)
            print(
                f"    Newton {grid:>3}x{grid:<3} {baseline:7.3f} s  found {found}, missed {missed}, "
                f"not in a certified box {stray}   (certified / Newton time {certified / baseline:.0f}x)"
            )


if __name__ == "__main__":
    main()
