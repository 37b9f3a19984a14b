"""Flow + variational equations: Gragg-Bulirsch-Stoer (symmorse) against mpmath.odefun.

Both integrate the same lambdified right-hand side (phi, Dphi and D^2phi of a
neural-ODE field, m + m^2 + m * m(m+1)/2 equations) from t = 0 to T at the
requested digits; the baseline ``mpmath.odefun`` (Taylor series) runs in a
subprocess capped at ``--cap`` seconds.  The results are checked to agree to
the requested digits minus 3 when both finish.

Usage: python benchmarks/bench_node.py [--digits 20 30] [--repeat 3] [--cap 120]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import mpmath
import sympy

from symmorse.model.node import NeuralODE
from symmorse.model.variational import _variational_rhs, flow_with_variations

FIELDS = {"m=2": (1, "tanh(h2), sin(h1) - h2/3"), "m=3": (1, "tanh(h2 - h3/2), sin(h1), h1*h2 - h3/3")}
Y = ["1/3", "-1/2", "1"]


def ours(name: str, digits: int) -> tuple[float, list]:
    n, field = FIELDS[name]
    node = NeuralODE(n, field)
    start = time.perf_counter()
    r = flow_with_variations(node.field, node.h, Y[: node.m], node.T, digits)
    flat = list(r.value) + [r.jacobian[i, j] for i in range(node.m) for j in range(node.m)]
    return time.perf_counter() - start, flat


def baseline(name: str, digits: int) -> tuple[float, list]:
    n, field = FIELDS[name]
    node = NeuralODE(n, field)
    rhs, size = _variational_rhs(node.field, node.h)
    m = node.m
    with mpmath.workdps(digits + 10):
        start_state = [mpmath.mpf(sympy.Rational(v).p) / sympy.Rational(v).q for v in Y[:m]]
        start_state += [mpmath.mpf(int(i == j)) for i in range(m) for j in range(m)]
        start_state += [mpmath.mpf(0)] * (size - len(start_state))
        start = time.perf_counter()
        solution = mpmath.odefun(lambda t, s: rhs(s), 0, start_state)
        end = solution(1)
        return time.perf_counter() - start, list(end[: m + m * m])


def baseline_in_subprocess(name: str, digits: int, cap: float) -> tuple[float, list] | None:
    cmd = [sys.executable, __file__, "--baseline-once", name, str(digits)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return None
    seconds, *values = out.stdout.split()
    return float(seconds), values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", nargs="+", type=int, default=[20, 30])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=120.0)
    parser.add_argument("--baseline-once", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_once:
        name, digits = args.baseline_once[0], int(args.baseline_once[1])
        seconds, values = baseline(name, digits)
        print(seconds, *(mpmath.nstr(v, digits + 5) for v in values))
        return
    print(f"{'field':>6} {'digits':>6} {'GBS (s)':>9} {'odefun (s)':>11} {'ratio':>7}  agree")
    for name in FIELDS:
        for digits in args.digits:
            fast_runs = [ours(name, digits) for _ in range(args.repeat)]
            fast = statistics.median(t for t, _ in fast_runs)
            runs = [baseline_in_subprocess(name, digits, args.cap) for _ in range(args.repeat)]
            if any(r is None for r in runs):
                print(
                    f"{name:>6} {digits:>6} {fast:>9.3f} {'>' + str(int(args.cap)):>11} "
                    f"{'>' + str(int(args.cap / fast)) + 'x':>7}  n/a",
                    flush=True,
                )
                continue
            slow = statistics.median(t for t, _ in runs)
            with mpmath.workdps(digits + 10):
                tol = mpmath.mpf(10) ** (-(digits - 3))
                ok = all(
                    abs(a - mpmath.mpf(b)) <= tol * (1 + abs(a)) for a, b in zip(fast_runs[0][1], runs[0][1])
                )
            print(
                f"{name:>6} {digits:>6} {fast:>9.3f} {slow:>11.3f} {slow / fast:>6.0f}x  "
                f"{'yes' if ok else 'NO'}",
                flush=True,
            )


if __name__ == "__main__":
    main()
