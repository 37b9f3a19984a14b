"""Validated flows (C^2 Lohner, flint balls) against the mpmath reference integration, CPU seconds.

For seeded tanh layer fields ``h' = V tanh(A h + c)`` with m = 2, 3 and k = 3 units,
one integration of ``phi_T``, ``D phi_T`` and ``D^2 phi_T`` from a point and from a
box of width 1e-3 (per coordinate) is timed with ``time.process_time`` (median of
``--repeat``), beside the numerical reference of the project
(:func:`symmorse.model.variational.flow_with_variations`: Gragg-Bulirsch-Stoer in
mpmath on the m + m^2 + m * m(m+1)/2 variational equations, at ``--digits``) in the
same run.  Each row says whether the enclosures agree with the reference (at the centre
of the box; the reference counts with its own error) and how wide they are.
``--orders`` sweeps the Taylor order instead.

Usage: python benchmarks/bench_validated_flow.py [--prec 128] [--digits 30] [--repeat 3] [--time 1]
       python benchmarks/bench_validated_flow.py --orders 16 24 32 40 48 [--prec 128]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from fractions import Fraction

import mpmath
from flint import arb, ctx, fmpq

from symmorse.exact.validated_flow import validated_flow
from symmorse.model.node import NeuralODE, layer_field

CENTRE = [Fraction(1, 3), Fraction(-1, 2), Fraction(1, 4)]
HALF_WIDTH = Fraction(1, 2000)  # boxes of width 1e-3


def layers(m: int, k: int = 3, seed: int = 2024) -> dict:
    """Seeded rational weights in [-3/2, 3/2] (multiples of 1/8)."""
    rng = random.Random(seed + m)

    def rat():
        return str(Fraction(rng.randint(-12, 12), 8))

    return {
        "A": [[rat() for _ in range(m)] for _ in range(k)],
        "V": [[rat() for _ in range(k)] for _ in range(m)],
        "c": [rat() for _ in range(k)],
        "activation": "tanh",
    }


def timed(repeat: int, fn, *args, **kwargs):
    """``(median CPU seconds, last result)`` of ``fn(*args, **kwargs)``."""
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn(*args, **kwargs)
        times.append(time.process_time() - start)
    return statistics.median(times), result


def exact_ball(value: mpmath.mpf) -> arb:
    sign, man, exp, _ = value._mpf_
    man = (-1) ** sign * int(man)
    return arb(fmpq(man * 2**exp) if exp >= 0 else fmpq(man, 2**-exp))


def agrees(e, ref, digits: int) -> bool:
    """Every ball meets the reference widened by its own error, ``10^(3-digits) (1 + |ref|)``."""
    pairs = list(zip(e.value, ref.value))
    pairs += [
        (e.jacobian[i, j], ref.jacobian[i, j]) for i in range(len(e.value)) for j in range(len(e.value))
    ]
    for H, R in zip(e.hessians, ref.hessians):
        pairs += [(H[i, j], R[i, j]) for i in range(R.rows) for j in range(R.cols)]
    with ctx.workprec(400):
        error = arb(fmpq(1, 10 ** (digits - 3)))
        return all(b.overlaps(exact_ball(v) + arb(0, error * (1 + abs(exact_ball(v))))) for b, v in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prec", type=int, default=128, help="working precision in bits")
    parser.add_argument("--order", type=int, default=None, help="Taylor order (default: from prec)")
    parser.add_argument("--digits", type=int, default=30, help="digits of the mpmath reference")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time", default="1", help="final time T (exact)")
    parser.add_argument("--orders", nargs="+", type=int, help="sweep these Taylor orders (point boxes)")
    args = parser.parse_args()
    T = args.time

    if args.orders:
        print(f"{'field':>9} {'order':>5} {'steps':>5} {'CPU s':>7}  radius value / Dphi / D2phi")
        for m in (2, 3):
            for order in args.orders:
                y = [str(v) for v in CENTRE[:m]]
                seconds, e = timed(1, validated_flow, layers(m), T, y, order=order, prec=args.prec)
                r = e.radii()
                print(
                    f"m={m}, k=3 {order:>5} {e.steps:>5} {seconds:>7.3f}  "
                    f"{r['value']:.1e} / {r['jacobian']:.1e} / {r['hessians']:.1e}",
                    flush=True,
                )
        return

    print(
        f"prec {args.prec} bits, T = {T}, reference: Gragg-Bulirsch-Stoer at {args.digits} digits "
        f"(CPU seconds, median of {args.repeat})"
    )
    print(
        f"{'field':>9} {'box':>11} {'order':>5} {'steps':>5} {'ours (s)':>9} {'ref (s)':>8} {'ratio':>6}"
        f"  {'agrees':>6}  radius value / Dphi / D2phi"
    )
    for m in (2, 3):
        field = layers(m)
        node = NeuralODE(1, layer_field(field), time=T)
        centre = CENTRE[:m]
        ref_seconds, ref = timed(1, node.variations, [str(v) for v in centre], args.digits, True)
        for label, box in (
            ("point", [str(v) for v in centre]),
            ("width 1e-3", [(str(v - HALF_WIDTH), str(v + HALF_WIDTH)) for v in centre]),
        ):
            seconds, e = timed(args.repeat, validated_flow, field, T, box, order=args.order, prec=args.prec)
            r = e.radii()
            print(
                f"m={m}, k=3 {label:>11} {e.order:>5} {e.steps:>5} {seconds:>9.3f} {ref_seconds:>8.2f} "
                f"{ref_seconds / seconds:>5.0f}x  {'yes' if agrees(e, ref, args.digits) else 'NO':>6}  "
                f"{r['value']:.1e} / {r['jacobian']:.1e} / {r['hessians']:.1e}",
                flush=True,
            )


if __name__ == "__main__":
    main()
