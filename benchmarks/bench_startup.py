"""Start-up of the command line: ``python -c pass`` vs ``symmorse --help`` vs a small ``symmorse check``.

Each command runs ``--repeat`` times in a fresh interpreter; the medians of the
wall-clock time and of the CPU time (user + system of the child) are printed.
``symmorse --help`` and usage errors import no SymPy, python-flint, networkx or
mpmath (``symmorse/cli.py`` imports each command's modules when it runs;
``tests/test_cli_startup.py`` checks this); ``check`` pays for them.

Figures of the development machine (2 cores shared with other jobs, so wall times are
noisy) are in the report of the ``authors`` branch and in ``README.md``; ``--before DIR``
also times the symmorse commands of an older source tree (``git archive REV symmorse proofs``
unpacked into DIR), e.g. the one before the lazy imports.

Usage: python benchmarks/bench_startup.py [--repeat 5] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CERTIFICATE = os.path.join(HERE, os.pardir, "proofs", "mlp-2-3-1-tanh.json")
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "symmorse --help": [sys.executable, "-m", "symmorse", "--help"],
    "symmorse certify (usage error)": [sys.executable, "-m", "symmorse", "certify"],
    "symmorse check mlp-2-3-1-tanh.json": [sys.executable, "-m", "symmorse", "check", CERTIFICATE],
}


def run(argv: list[str], pythonpath: str | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv`` (its output discarded)."""
    env = dict(os.environ, PYTHONPATH=pythonpath) if pythonpath else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", metavar="DIR", help="also time the symmorse of this source tree")
    args = parser.parse_args()
    print(f"{'command':46} {'wall (median)':>14} {'CPU (median)':>14}")
    trees = [("", None)] + ([(" [before]", args.before)] if args.before else [])
    for name, argv in COMMANDS.items():
        for label, tree in trees if "symmorse" in name else trees[:1]:
            runs = [run(argv, tree) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"{name + label:46} {wall:12.3f} s {cpu:12.3f} s")


if __name__ == "__main__":
    main()
