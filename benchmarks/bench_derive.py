"""Structured det Hess Phi against SymPy's naive route, symbolic weights.

Structured: build Phi, backward vectors, Jacobians, the structured Hessian
(DESIGN section 1) and its determinant by cofactor expansion, all in x and the
weights.  Naive: ``sympy.hessian(Phi, x).det()`` on the full expression, each
run in a subprocess capped at ``--cap`` seconds.  Both determinants are
checked to agree at a random rational point (30 digits) when both finish.

Usage: python benchmarks/bench_derive.py [--archs 2,3,1 3,4,1 2,3,3,1] [--repeat 5]
       [--naive-repeat 3] [--cap 120]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

import sympy
from sympy.core.cache import clear_cache

from symmorse.model.network import Network


def structured(arch: str) -> tuple[float, sympy.Expr]:
    clear_cache()  # cold start, like the naive route's fresh subprocess
    start = time.perf_counter()
    net = Network(arch, "tanh")
    det = net.hessian_det("x")
    return time.perf_counter() - start, det


def naive(arch: str) -> tuple[float, sympy.Expr]:
    net = Network(arch, "tanh")
    start = time.perf_counter()
    det = sympy.hessian(net.output, net.inputs).det()
    return time.perf_counter() - start, det


def naive_in_subprocess(arch: str, cap: float) -> float | None:
    """Seconds for the naive route, or None when it exceeds ``cap``."""
    cmd = [sys.executable, __file__, "--naive-once", arch]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout.split()[0])


def agree(arch: str) -> bool:
    net = Network(arch, "tanh")
    rng = random.Random(arch)
    point = {s: sympy.Rational(rng.randint(-20, 20), 10) for s in net.inputs + net.parameters}
    a = sympy.N(structured(arch)[1].xreplace(point), 30)
    b = sympy.N(naive(arch)[1].xreplace(point), 30)
    return abs(a - b) <= 1e-20 * max(1, abs(a))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archs", nargs="+", default=["2,3,1", "3,4,1", "2,3,3,1"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--naive-once", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_once:
        print(naive(args.naive_once)[0])
        return
    print(f"{'arch':>10} {'structured (s)':>15} {'naive (s)':>12} {'ratio':>9}  agree")
    for arch in args.archs:
        fast = statistics.median(structured(arch)[0] for _ in range(args.repeat))
        runs = [naive_in_subprocess(arch, args.cap) for _ in range(args.naive_repeat)]
        if not runs:  # --naive-repeat 0: the baseline did not run
            slow_text, ratio_text, check = "not run", "n/a", "n/a"
        elif any(r is None for r in runs):
            slow_text, ratio_text, check = f">{args.cap:.0f}", f">{args.cap / fast:.0f}x", "n/a"
        else:
            slow = statistics.median(runs)
            slow_text, ratio_text = f"{slow:.3f}", f"{slow / fast:.0f}x"
            check = "yes" if agree(arch) else "NO"
        print(f"{arch:>10} {fast:>15.4f} {slow_text:>12} {ratio_text:>9}  {check}", flush=True)


if __name__ == "__main__":
    main()
