"""Certification speed: exact certify/check/to_json against a float64 structured Hessian.

For tanh MLPs ``16,64,64,64,1``, ``32,128,128,128,1``, ``64,256,256,256,1``,
``128,512,512,1`` (and ``256,1024,1024,1`` with ``--large``) this prints medians of
CPU time (``time.process_time``) of

* ``certify(widths)`` (classification, seeded witness search, determinants proved non-zero by
  their residues modulo a prime below 2^20), and with ``--exact-det`` also ``certify(widths,
  exact_det=True)`` (the exact rational determinants, the route before the modular proofs),
* ``check_certificate(data)`` (the kernel, which re-derives everything),
* ``Certificate.to_json()`` (exact rational strings and bias expressions),

beside the float baseline measured in the same run: forward pass, backward vectors,
Jacobians and the structured Hessian ``sum_l J_l^T diag(sigma''_l v_l) J_l`` in float64,
then ``numpy.linalg.slogdet``, on one BLAS thread.  The ratios are exact / float.  A measurement that did
not run (the architecture is refused, or the first run exceeded ``--budget`` seconds)
prints "not run".

Usage: python benchmarks/bench_certify.py [--repeats 3] [--budget 60] [--large] [--exact-det] [--only ARCH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

# One BLAS thread: the exact side runs on one core, and idle BLAS threads spinning on a loaded
# machine would inflate the float baseline's CPU time.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402 - after the thread settings

from symmorse.kernel import check_certificate  # noqa: E402
from symmorse.search.certify import certify  # noqa: E402

ARCHITECTURES = ["16,64,64,64,1", "32,128,128,128,1", "64,256,256,256,1", "128,512,512,1"]
LARGE = ["256,1024,1024,1"]


def float_hessian(ws: list[int], rng: np.random.Generator) -> float:
    """log|det Hess Phi| of a random tanh MLP, float64 structured Hessian (the float baseline)."""
    Ws = [rng.standard_normal((b, a)) / np.sqrt(a) for a, b in zip(ws, ws[1:])]
    bs = [rng.standard_normal(b) for b in ws[1:]]
    h = rng.standard_normal(ws[0])
    d1s, d2s = [], []
    for W, b in zip(Ws[:-1], bs[:-1]):
        t = np.tanh(W @ h + b)
        d1s.append(1 - t * t)
        d2s.append(-2 * t * (1 - t * t))
        h = t
    v = Ws[-1][0]
    vs = [v]
    for W, d1 in zip(reversed(Ws[1:-1]), reversed(d1s[1:])):
        v = W.T @ (d1 * v)
        vs.append(v)
    vs.reverse()
    J = Ws[0]
    hessian = J.T @ ((d2s[0] * vs[0])[:, None] * J)
    for W, d1, d2, v in zip(Ws[1:-1], d1s, d2s[1:], vs[1:]):
        J = W @ (d1[:, None] * J)
        hessian += J.T @ ((d2 * v)[:, None] * J)
    return float(np.linalg.slogdet(hessian)[1])


def cpu(fn, repeats: int, budget: float) -> float | None:
    """Median CPU seconds of ``fn()`` over ``repeats`` runs (one run if the first exceeds ``budget``)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
        if times[0] > budget:
            break
    return statistics.median(times)


def show(t: float | None) -> str:
    return "not run" if t is None else f"{t:.3f}"


def ratio(t: float | None, base: float) -> str:
    return "not run" if t is None else f"{t / base:.0f}x"


def row(arch: str, repeats: int, budget: float, rng: np.random.Generator, exact: bool) -> list[str]:
    """float, certify, check, to_json (and exact-det certify) medians and the ratios for one architecture."""
    ws = [int(n) for n in arch.split(",")]
    base = cpu(lambda: [float_hessian(ws, rng) for _ in range(10)], repeats, budget) / 10
    state: dict = {}
    t_certify = t_check = t_json = t_exact = None
    try:
        t_certify = cpu(lambda: state.update(cert=certify(arch)), repeats, budget)
        if exact:
            t_exact = cpu(lambda: certify(arch, exact_det=True), repeats, budget)
    except Exception as exc:  # noqa: BLE001 - a refused architecture is "not run"
        print(f"  {arch}: certify not run ({type(exc).__name__}: {str(exc)[:80]})")
    if "cert" in state:
        assert state["cert"].status == "proved", state["cert"].summary()
        t_json = cpu(lambda: state.update(data=state["cert"].to_json()), repeats, budget)
        t_check = cpu(lambda: state.update(result=check_certificate(state["data"])), repeats, budget)
        assert state["result"].accepted, state["result"].reason
    return [
        arch,
        f"{base:.4f}",
        show(t_certify),
        show(t_check),
        show(t_json),
        ratio(t_certify, base),
        ratio(t_check, base),
        "not run" if None in (t_check, t_certify) else f"{t_check / t_certify:.2f}",
        "not run" if None in (t_json, t_certify) else f"{t_json / t_certify:.2f}",
        *([show(t_exact)] if exact else []),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60.0, help="s; no repeats past it")
    parser.add_argument("--large", action="store_true", help="also 256,1024,1024,1")
    parser.add_argument("--only", action="append", help="only this architecture (repeatable)")
    parser.add_argument("--exact-det", action="store_true", help="also certify with exact determinants")
    args = parser.parse_args()
    archs = args.only or ARCHITECTURES + (LARGE if args.large else [])
    head = ["architecture", "float (s)", "certify (s)", "check (s)", "to_json (s)"]
    head += ["certify/float", "check/float", "check/certify", "to_json/certify"]
    head += ["exact-det (s)"] if args.exact_det else []
    print("  ".join(f"{h:>16}" for h in head), flush=True)
    rng = np.random.default_rng(0)
    for arch in archs:
        cells = row(arch, args.repeats, args.budget, rng, args.exact_det)
        print("  ".join(f"{c:>16}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
