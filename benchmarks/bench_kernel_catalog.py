"""The kernels on the bundled catalog: CPU seconds to re-check every certificate in ``proofs/``.

Each repeat reads every certificate and calls ``check_certificate`` on it in this process
(no worker processes, so ``time.process_time`` sees all the work), and reports the total and
the median per certificate, by format.  Run it once per checkout to compare two versions of
the kernel on the same certificates:

    python benchmarks/bench_kernel_catalog.py --repeats 3
    PYTHONPATH=/path/to/old/checkout python benchmarks/bench_kernel_catalog.py --repeats 3

``symmorse.checker.check_certificate`` is imported, the name both the flat layout and the
layered one (``symmorse.kernel``) answer to.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--catalog", default=os.path.join(os.path.dirname(__file__), "..", "proofs"))
    args = parser.parse_args()

    from symmorse.checker import check_certificate

    import symmorse

    files = sorted(glob.glob(os.path.join(args.catalog, "*.json")))
    certificates = []
    for path in files:
        with open(path) as handle:
            certificates.append(json.load(handle))
    totals: list[float] = []
    per_format: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        start = time.process_time()
        for data in certificates:
            t = time.process_time()
            result = check_certificate(data)
            if not result.accepted:
                raise SystemExit(f"rejected: {data.get('format')}: {result.reason}")
            per_format.setdefault(data["format"], []).append(time.process_time() - t)
        totals.append(time.process_time() - start)
    print(f"symmorse from {os.path.dirname(symmorse.__file__)}")
    print(f"{len(certificates)} certificates, {args.repeats} repeats")
    print(f"total CPU per pass: median {statistics.median(totals):.2f} s (runs: "
          + ", ".join(f"{t:.2f}" for t in totals) + ")")
    for name, times in sorted(per_format.items()):
        count = len(times) // args.repeats
        print(f"  {name:28s} {count:4d} certificates, median {1000 * statistics.median(times):7.2f} ms each")


if __name__ == "__main__":
    main()
