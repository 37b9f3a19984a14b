"""Throughput of ``symmorse sweep``: the local process pool against a Dask LocalCluster, in one run.

The family is every layered MLP with input width <= 4, hidden widths <= 6 and at
most 4 hidden layers (:func:`symmorse.present.catalog.catalog_architectures`:
6220 architectures), for tanh and sigmoid -- what ``symmorse sweep --families mlp
--max-input 4 --max-hidden-width 6 --max-hidden-layers 4`` certifies.  Each
configuration runs :func:`symmorse.present.catalog.sweep` on the same
architectures into a fresh folder:

* ``pool``: ``--workers N`` (a local process pool, forked from this process);
* ``dask local:N``: ``--scheduler local:N``, starting the LocalCluster (N worker
  processes, one thread each) inside the timing, as the command line does;
* ``dask warm``: a LocalCluster of N workers started and warmed (symmorse imported
  on every worker) before the timing, reached by its ``tcp://`` address as a
  running cluster would be.

For each: how many architectures were certified, the wall time, the CPU time of
this process (the parent: for Dask it includes the scheduler, which a LocalCluster
runs in this process) and of its finished child processes (the workers), the
architectures per second of wall time, and the rate relative to the pool.  Every
configuration must write the same files (compared byte for byte).  A configuration
that did not run (``--configs``, or dask not installed) prints "not run".  The
machine's load (``os.getloadavg``) is printed before and after, with a check of how
much faster N CPU-bound processes run than one.  The certificates are written into
a temporary folder under ``$TMPDIR``: ``TMPDIR=/dev/shm`` keeps the disk out of the
figures (deleting some 37,000 files from a disk mounted with ``discard`` takes minutes).

Usage: python benchmarks/bench_sweep.py [--workers 2] [--limit N] [--repeat R] [--configs pool local warm]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import tempfile
import time

from bench_verify import free_cores

from symmorse.present.catalog import catalog_architectures, sweep

CONFIGS = ("pool", "local", "warm")
KEYS = ("done", "wall", "cpu", "child")
LABELS = {"pool": "pool", "local": "dask local:{n}", "warm": "dask warm"}


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished child processes (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def spread(items: list, limit: int) -> list:
    """``limit`` items spread evenly over ``items`` (all of them for 0), so sizes stay representative."""
    if not limit or limit >= len(items):
        return items
    return [items[i * len(items) // limit] for i in range(limit)]


def run(config: str, archs: list, activations: list[str], workers: int, out: str) -> dict:
    """Time one configuration's sweep into ``out``."""
    if config != "warm":
        scheduler = f"local:{workers}" if config == "local" else None
        wall, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
        sweep(archs, activations, out, workers=workers, scheduler=scheduler, show_progress=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return {"done": len(archs), "wall": wall, "cpu": cpu, "child": children_cpu() - child}
    from distributed import Client, LocalCluster

    options = {"threads_per_worker": 1, "processes": True, "dashboard_address": ":0"}
    with (
        LocalCluster(n_workers=workers, **options) as cluster,
        Client(cluster) as client,
        tempfile.TemporaryDirectory() as warm,
    ):
        address = cluster.scheduler_address
        sweep([[1, 1]] * 4 * workers, activations, warm, scheduler=address, show_progress=False)  # imports
        before = client.run(time.process_time)  # the workers are not children that have finished yet
        wall, cpu = time.perf_counter(), time.process_time()
        sweep(archs, activations, out, scheduler=address, show_progress=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        after = client.run(time.process_time)
    return {"done": len(archs), "wall": wall, "cpu": cpu, "child": sum(after[w] - before[w] for w in after)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="pool processes and Dask workers (default 2)")
    parser.add_argument(
        "--limit", type=int, default=0, help="certify only N architectures, spread over the family"
    )
    parser.add_argument("--configs", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of every configuration in turn; medians are shown"
    )
    parser.add_argument("--max-input", type=int, default=4)
    parser.add_argument("--max-hidden-width", type=int, default=6)
    parser.add_argument("--max-hidden-layers", type=int, default=4)
    parser.add_argument("--activations", default="tanh,sigmoid")
    args = parser.parse_args()
    family = catalog_architectures(args.max_input, args.max_hidden_width, args.max_hidden_layers)
    archs = spread(family, args.limit)
    activations = args.activations.split(",")
    print(
        f"family: {len(family)} MLPs (input <= {args.max_input}, hidden widths <= {args.max_hidden_width}, "
        f"<= {args.max_hidden_layers} hidden layers) x {', '.join(activations)}; running {len(archs)} "
        f"architectures ({len(archs) * len(activations)} certificates), {args.workers} workers"
    )
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    try:
        import distributed  # noqa: F401

        have_dask = True
    except ImportError:
        have_dask = False
    results: dict[str, dict | str] = {}
    for config in CONFIGS:
        if config not in args.configs:
            results[config] = "not run (not in --configs)"
        elif config != "pool" and not have_dask:
            results[config] = "not run (dask not installed: pip install 'symmorse[dask]')"
    ran = [c for c in CONFIGS if c not in results]
    rounds: dict[str, list[dict]] = {c: [] for c in ran}
    for _ in range(args.repeat):  # the configurations in turn, so a change of load hits each alike
        with tempfile.TemporaryDirectory() as root:
            for config in ran:
                out = os.path.join(root, config)
                os.makedirs(out)
                rounds[config].append(run(config, archs, activations, args.workers, out))
            for config in ran[1:]:  # the same files, byte for byte
                first, other = os.path.join(root, ran[0]), os.path.join(root, config)
                names = sorted(os.listdir(first))
                assert names == sorted(os.listdir(other)), f"{config} wrote other files than {ran[0]}"
                _, mismatch, errors = filecmp.cmpfiles(first, other, names, shallow=False)
                assert not mismatch and not errors, f"{config} differs: {(mismatch + errors)[:3]}"
    for config in ran:
        results[config] = {key: statistics.median(r[key] for r in rounds[config]) for key in KEYS}
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(
        f"\n{'configuration':<16} {'done':>6} {'wall':>9} {'parent CPU':>11} {'workers CPU':>12} "
        f"{'arch/s':>8} {'vs pool':>8}"
    )
    pool = results["pool"]
    for config in CONFIGS:
        label, r = LABELS[config].format(n=args.workers), results[config]
        if isinstance(r, str):
            print(f"{label:<16} {r}")
            continue
        rate = r["done"] / r["wall"]
        ratio = f"{rate / (pool['done'] / pool['wall']):7.2f}x" if isinstance(pool, dict) else "not run"
        print(
            f"{label:<16} {r['done']:>6} {r['wall']:8.1f}s {r['cpu']:10.1f}s {r['child']:11.1f}s "
            f"{rate:8.1f} {ratio:>8}"
        )
    print(
        f"medians of {args.repeat} round(s); wall ranges: "
        + "; ".join(
            f"{c} {min(r['wall'] for r in rounds[c]):.1f}-{max(r['wall'] for r in rounds[c]):.1f} s"
            for c in ran
        )
    )
    print(
        "parent CPU: this process (for Dask also the scheduler and the client); workers CPU: their processes"
    )
    if len(ran) > 1:
        print(
            f"every configuration wrote the same {len(archs) * len(activations)} certificates, byte for byte"
        )
    print(
        f"machine check: {args.workers} CPU-bound processes ran {free_cores(args.workers):.2f}x "
        "as fast as one (the ceiling of any speed-up)"
    )


if __name__ == "__main__":
    main()
