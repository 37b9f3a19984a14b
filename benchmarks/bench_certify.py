"""Certification speed: in-process certify() medians against the naive determinant route.

* ``2,3,3,1`` tanh: certify() (classification, witness search, exact det) against the
  naive route ``sympy.hessian(Phi, x).det()`` on the full expression (symbolic weights),
  measured in the same run (subprocess, capped at ``--cap`` seconds).
* ``16,64,64,64,1`` and ``64,256,256,256,1`` tanh: certify() medians (targets 1 s, 10 s).
* the default catalog (input <= 3, hidden widths <= 4, <= 3 hidden layers, tanh and
  sigmoid: 510 certificates) swept with 2 workers (target 60 s).

Usage: python benchmarks/bench_certify.py [--repeat 5] [--naive-repeat 1] [--cap 120]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from sympy.core.cache import clear_cache

from symmorse.search.certify import certify

TARGETS = {"2,3,3,1": 0.05, "16,64,64,64,1": 1.0, "64,256,256,256,1": 10.0}


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def naive_seconds(arch: str, cap: float) -> float | None:
    code = (
        f"import time, sympy; from symmorse.model.network import Network; n = Network({arch!r}, 'tanh'); "
        "t = time.perf_counter(); sympy.hessian(n.output, n.inputs).det(); print(time.perf_counter() - t)"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=cap, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive-repeat", type=int, default=1)
    parser.add_argument("--cap", type=float, default=120.0)
    args = parser.parse_args()

    print(f"{'architecture':>18} {'certify (s)':>12} {'+ to_json (s)':>14} {'target (s)':>10}")
    medians = {}
    for arch, target in TARGETS.items():
        repeat = args.repeat if arch != "64,256,256,256,1" else max(1, args.repeat // 2)
        medians[arch] = timed(lambda a=arch: certify(a), repeat)
        with_json = timed(lambda a=arch: certify(a).to_json(), repeat)
        ok = "ok" if medians[arch] <= target else "MISSED"
        print(f"{arch:>18} {medians[arch]:>12.4f} {with_json:>14.4f} {target:>10} {ok}", flush=True)

    runs = [naive_seconds("2,3,3,1", args.cap) for _ in range(args.naive_repeat)]
    if not runs:  # --naive-repeat 0
        print("naive det Hess route on 2,3,3,1: not run")
    elif any(r is None for r in runs):
        print(
            f"naive det Hess route on 2,3,3,1: > {args.cap:.0f} s (capped); "
            f"ratio > {args.cap / medians['2,3,3,1']:.0f}x"
        )
    else:
        naive = statistics.median(runs)
        print(
            f"naive det Hess route on 2,3,3,1: {naive:.2f} s; "
            f"certify is {naive / medians['2,3,3,1']:.0f}x faster (target >= 1000x)"
        )

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "symmorse", "sweep", "--out", out, "--workers", "2"],
            check=True,
            capture_output=True,
        )
        print(
            f"default catalog sweep (510 certificates, 2 workers): "
            f"{time.perf_counter() - start:.1f} s (target 60 s)"
        )


if __name__ == "__main__":
    main()
