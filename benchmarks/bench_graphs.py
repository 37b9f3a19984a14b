"""The graph route (death strata) beside the layered route, in CPU seconds, medians of one run.

* ``4,8,8,8,1`` tanh: ``certify(widths)`` (layered branches) and ``certify(widths, route="graph")``
  (death strata), each with ``check_certificate`` of its JSON; the ratio graph / layered
  (target: within 20x).
* ``resnet:3,4,4,4,4`` tanh: certify and check through the strata (target <= 2 s).
* random DAGs with n0 = 3 and 40 hidden nodes (seeded; edge probability 0.1 and 0.3, each
  node keeps at least one predecessor): certify with a 10 s time limit and check (target
  <= 10 s, or a clear ``undecided`` at the limit).

CPU time is ``time.process_time`` (the machine is shared: wall time is noisy).

Usage: python benchmarks/bench_graphs.py [--repeat 5] [--seeds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import networkx as nx

from symmorse.kernel import check_certificate
from symmorse.model.architecture import parse_architecture
from symmorse.search.certify import certify


def cpu(fn, repeat: int) -> tuple[float, object]:
    """Median CPU seconds of ``fn()`` over ``repeat`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def random_dag(n0: int, hidden: int, p: float, seed: int) -> nx.DiGraph:
    """A random DAG: inputs x1..x_n0, hidden h1..h_hidden in order, output y fed by every sink."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    order = [f"x{i}" for i in range(1, n0 + 1)] + [f"h{i}" for i in range(1, hidden + 1)]
    G.add_nodes_from([*order, "y"])
    for j in range(n0, len(order)):
        preds = [u for u in order[:j] if rng.random() < p] or [rng.choice(order[:j])]
        G.add_edges_from((u, order[j]) for u in preds)
    G.add_edges_from((v, "y") for v in order if G.out_degree(v) == 0)
    G.add_edges_from((v, "y") for v in order[-3:])
    return G


def certify_and_check(arch, repeat: int, **options) -> tuple[float, float, dict, object]:
    certify_s, cert = cpu(lambda: certify(arch, **options), repeat)
    data = json.loads(json.dumps(cert.to_json()))
    check_s, result = cpu(lambda: check_certificate(data), repeat)
    assert result.accepted, result.reason
    return certify_s, check_s, data, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'case':<34} {'certify CPU s':>13} {'check CPU s':>12}  verdicts / strata")

    layered = certify_and_check("4,8,8,8,1", args.repeat)
    graph = certify_and_check("4,8,8,8,1", args.repeat, route="graph")
    for name, (c, k, data, _) in (("4,8,8,8,1 layered route", layered), ("4,8,8,8,1 graph route", graph)):
        entries = len(data.get("strata", data.get("branches")))
        print(
            f"{name:<34} {c:>13.4f} {k:>12.4f}  {data['critical_points']}/{data['morse']}, {entries} entries"
        )
    print(
        f"  graph / layered: certify {graph[0] / layered[0]:.1f}x, check {graph[1] / layered[1]:.1f}x "
        "(target: certify within 20x)"
    )

    c, k, data, _ = certify_and_check(parse_architecture("resnet:3,4,4,4,4"), args.repeat)
    ok = "ok" if c <= 2 else "MISSED"
    print(
        f"{'resnet:3,4,4,4,4':<34} {c:>13.4f} {k:>12.4f}  {data['critical_points']}/{data['morse']}, "
        f"{len(data['strata'])} entries (target <= 2 s: {ok})"
    )

    for p in (0.1, 0.3):
        for seed in range(args.seeds):
            G = random_dag(3, 40, p, seed)
            c, k, data, _ = certify_and_check(G, 1, time_limit=10)
            ok = "ok" if c <= 10 or data["status"] == "undecided" else "MISSED"
            name = f"random DAG p={p} seed={seed} ({G.number_of_edges()} edges)"
            print(
                f"{name:<34} {c:>13.4f} {k:>12.4f}  {data['critical_points']}/{data['morse']}, "
                f"{len(data['strata'])} entries (target <= 10 s: {ok})"
            )


if __name__ == "__main__":
    main()
