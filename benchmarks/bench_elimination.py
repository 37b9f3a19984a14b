"""Elimination of x (degeneracy polynomials) beside Singular on the same polynomials.

symmorse: the resultant chain that :func:`symmorse.search.elimination.eliminate` selects (FLINT), and
the whole certificate from the parsed activation (network, equations, chain search, Bezout
cofactors, gcd reduction, witness point, factorization).  Singular, on the same equations E
written out as text: the same resultant chain (``resultant``), and for the whole job that chain
plus ``factorize(P)`` and ``lift`` (cofactors of the same P in the ideal of E).  Singular's times
are taken inside Singular (``rtimer``, microseconds), without its start-up; each Singular run is
capped at ``--cap`` seconds.  Singular is installed with apt here if missing (it is not a
dependency of symmorse).

Usage: python benchmarks/bench_elimination.py [--cases 1,2,1:poly:z**3+z ...] [--repeat 5] [--cap 120]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time

import flint

from symmorse.model.activations import get_activation
from symmorse.model.network import Network
from symmorse.search.elimination import _chain_text, _chain_value, _equations, _Ring, eliminate

CASES = [
    "1,2,1:poly:z**3+z",
    "1,3,1:poly:z**3+z",
    "2,2,1:poly:z**2+z",
    "2,3,1:poly:z**2+z",
    "2,2,1:poly:z**3+z",
    "1,1,1,1:poly:z**3+z",
    "1,2,2,1:poly:z**2+z",
]


def ensure_singular() -> str | None:
    """Path of the Singular binary, installing the Debian package if needed."""
    if shutil.which("Singular") is None:
        print("Singular not found; installing it with apt-get (benchmark only) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "singular"], capture_output=True, check=False)
    return shutil.which("Singular")


def singular_chain(node: list, names: dict[str, str]) -> str:
    if node[0] == "eq":
        return f"E{node[1] + 1}"
    a, b = singular_chain(node[2], names), singular_chain(node[3], names)
    return f"resultant({a}, {b}, {names[node[1]]})"


def singular_script(ring: _Ring, E: list, node: list, P: str) -> str:
    """Singular code that times the chain, factorize(P) and lift(E, P)."""
    names = {n: f"v{i}" for i, n in enumerate(ring.params + ring.xs)}

    def text(p) -> str:
        s = str(p)
        for n in sorted(names, key=len, reverse=True):
            s = s.replace(n, names[n])
        return s

    lines = [
        'system("--ticks-per-sec", 1000000);',
        f"ring r = 0, ({', '.join(names.values())}), dp;",
        *[f"poly E{k + 1} = {text(e)};" for k, e in enumerate(E)],
        f"poly Q = {text(P)};",
        "int t0 = rtimer;",
        f"poly R = {singular_chain(node, names)};",
        "int t1 = rtimer;",
        "list F = factorize(Q);",
        "int t2 = rtimer;",
        f"matrix C = lift(ideal({', '.join(f'E{k + 1}' for k in range(len(E)))}), ideal(Q));",
        "int t3 = rtimer;",
        'print(string(t1 - t0) + " " + string(t2 - t1) + " " + string(t3 - t2));',
        "quit;",
    ]
    return "\n".join(lines) + "\n"


def run_singular(binary: str, script: str, cap: float) -> tuple[float, float] | None:
    """(chain, chain + factorize + lift) in seconds, or None when over the cap."""
    with tempfile.NamedTemporaryFile("w", suffix=".sing", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run([binary, "-q", fh.name], capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return None
    chain, factor, lift = (int(t) / 1e6 for t in out.stdout.split()[-3:])
    return chain, chain + factor + lift


def stored(text: str) -> flint.fmpq:
    """A certificate's rational string as a FLINT rational."""
    num, _, den = text.partition("/")
    return flint.fmpq(int(num), int(den or 1))


def ours(arch: str, text: str, repeat: int) -> tuple[float, float, dict]:
    """Medians of (the chain alone, the whole certificate), and the certificate."""
    act = get_activation(text)  # parsed once, like the polynomials handed to Singular
    cert = eliminate(arch, act).certificate
    net = Network(arch, act)
    ring = _Ring(net)
    E = _equations(net, ring)
    node = cert["membership"]["chain"]
    chain_times, full_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        _chain_value(node, E, {})
        chain_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        eliminate(arch, act)
        full_times.append(time.perf_counter() - start)
    return statistics.median(chain_times), statistics.median(full_times), cert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=CASES, help="ARCH:ACTIVATION pairs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cap", type=float, default=120.0)
    args = parser.parse_args()
    binary = ensure_singular()
    print(f"Singular: {binary or 'not available (its columns say: not run)'}")
    header = (
        f"{'arch':>8} {'activation':>12} {'chain':>38} {'chain (s)':>10} {'Singular':>9} {'ratio':>7}"
        f" {'certificate (s)':>16} {'Singular +factor+lift':>22} {'ratio':>7}"
    )
    print(header)
    for case in args.cases:
        arch, act = case.split(":", 1)
        chain, full, cert = ours(arch, act, args.repeat)
        node = cert["membership"]["chain"]
        sing_chain = sing_full = None
        singular = "not run" if not binary else "ran"  # "over cap" once a run hits --cap
        if binary:
            net = Network(arch, act)
            ring = _Ring(net)
            P = ring.ctx.from_dict({tuple(e): stored(c) for c, e in cert["polynomial"]["terms"]})
            script = singular_script(ring, _equations(net, ring), node, P)
            runs = [run_singular(binary, script, args.cap) for _ in range(3)]
            if all(r is not None for r in runs):
                sing_chain = statistics.median(r[0] for r in runs)
                sing_full = statistics.median(r[1] for r in runs)
            else:
                singular = "over cap"

        def ratio(a: float, b: float | None) -> str:
            return "n/a" if b is None else f"{a / b:.1f}x" if b > 0 else "(0 us)"

        def secs(t: float | None, singular: str = singular) -> str:
            """The time, '>CAP' when Singular ran past the cap, 'not run' when it never ran."""
            if t is not None:
                return f"{t:.5f}"
            return f">{args.cap:.0f}" if singular == "over cap" else "not run"

        print(
            f"{arch:>8} {act[5:]:>12} {_chain_text(node):>38} {chain:>10.5f} {secs(sing_chain):>9}"
            f" {ratio(chain, sing_chain):>7} {full:>16.4f} {secs(sing_full):>22} {ratio(full, sing_full):>7}",
            flush=True,
        )


if __name__ == "__main__":
    main()
