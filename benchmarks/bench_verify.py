"""``symmorse verify`` of the bundled catalog: one worker against ``--jobs N``.

Times :func:`symmorse.present.catalog.verify` in this process after the imports
(so the figures are the checking itself, which is what the workers share), as
the median of ``--repeat`` runs: wall-clock seconds, and CPU seconds of this
process and its worker processes together.  Checks that every run gives the
same results in the same order.  The whole command adds the start-up of about
2 s of CPU (importing SymPy and python-flint), which no number of workers
shortens.

Usage: python benchmarks/bench_verify.py [--jobs 1 2] [--repeat 3] [DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import time

from symmorse.present.catalog import verify


def cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _burn(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - start


def free_cores(jobs: int) -> float:
    """How much faster ``jobs`` CPU-bound processes finish ``jobs`` equal tasks than one does them all:
    about ``jobs`` on an idle machine, about 1 when other work already uses the cores."""
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        one = sum(pool.map(_burn, range(jobs)))
    start = time.perf_counter()
    with context.Pool(jobs) as pool:
        pool.map(_burn, range(jobs))
    return one / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", help="catalog folder (default: the bundled one)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    verify(args.dir, show_progress=False)  # warm the file cache
    reference = None
    print(f"{'jobs':>4} {'wall (median)':>14} {'CPU (median)':>14} {'speed-up (wall)':>16}")
    serial = None
    for jobs in args.jobs:
        walls, cpus = [], []
        for _ in range(args.repeat):
            start_wall, start_cpu = time.perf_counter(), cpu()
            check = verify(args.dir, show_progress=False, jobs=jobs)
            walls.append(time.perf_counter() - start_wall)
            cpus.append(cpu() - start_cpu)
            results = [(v.file, v.result.accepted, v.result.reason) for v in check.results]
            if reference is None:
                reference = results
            assert results == reference, f"--jobs {jobs} changed the results"
        wall = statistics.median(walls)
        serial = serial or wall
        print(f"{jobs:>4} {wall:12.2f} s {statistics.median(cpus):12.2f} s {serial / wall:15.2f}x")
    print(f"{len(reference)} certificates, the same results in the same order for every --jobs")
    top = max(args.jobs)
    print(f"machine check: {top} CPU-bound processes ran {free_cores(top):.2f}x as fast as one (the ceiling)")


if __name__ == "__main__":
    main()
