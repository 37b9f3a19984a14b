"""Worst-case ``check`` cost at each stated kernel limit (docs/certificate-formats.md).

Each case builds a certificate at (or just inside) one limit and checks it in a fresh forked
process, which reports its CPU time (``time.process_time``) and peak memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes the ~100 MB of the imported
libraries); the table is printed in Markdown.

Usage: python benchmarks/bench_kernel_limits.py
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))


def _layered():
    from symmorse.search.certify import certify

    return json.loads(json.dumps(certify("2,3,1").to_json()))


def case_file_size(folder):
    """A file just under 64 MiB: a list of zeros in a key the schema refuses (read, then refused)."""
    path = os.path.join(folder, "zeros.json")
    with open(path, "w") as fh:
        fh.write('{"format": "symmorse-certificate/1", "zeros": [' + "0," * (32 * 2**20 - 64) + "0]}")
    return path


def case_file_over(folder):
    """A file above 64 MiB (sparse): refused before reading."""
    path = os.path.join(folder, "big.json")
    with open(path, "wb") as fh:
        fh.truncate(200 * 2**20)
    return path


def case_widths(folder):
    """A widths list of 1,000 entries 1,2,1,2,...,1 (499 branches to recompute)."""
    data = _layered()
    data["architecture"]["widths"] = [1, 2] * 499 + [1]
    return _write(folder, data)


def case_digits(folder, digits=10_000):
    """The true 2,3,1 certificate of tests/test_kernel_hardening.py: numbers of 10,000 to ~60,000 digits."""
    from test_kernel_hardening import huge_certificate

    return _write(folder, huge_certificate(digits))


def case_expansion(folder):
    """A bias whose expansion bound is 3,125 terms (<= 10,000: expanded, then found wrong)."""
    data = _layered()
    data["branches"][0]["witness"]["biases"]["1"][0] = "(atanh(1/3) + atanh(1/5) + log(2) + atan(1/7) + 1)**5"
    return _write(folder, data)


def case_sturm(folder):
    """A degree-100 polynomial activation with 60-digit integer coefficients (sigma' just inside
    degree^2 x bits <= 2,000,000)."""
    import random

    random.seed(0)
    data = _layered()
    terms = [f"{random.randint(10**57, 10**58)}*z**{k}" for k in range(1, 101)]
    data["activation"] = "poly:" + " + ".join(terms)
    return _write(folder, data)


def case_resultant(folder):
    """A resultant chain of 2,2,1 (equations of 14 and 25 terms: 350 <= 4,000, degrees 3 + 4 <= 16),
    with a cubic activation; P is then the wrong polynomial."""
    import contextlib
    import io

    from symmorse.cli import main
    from symmorse.kernel.elimination import parameter_names

    path = os.path.join(folder, "e.json")
    with contextlib.redirect_stdout(io.StringIO()):
        main(["eliminate", "1,2,1", "-a", "poly:z**3+z", "--out", path])
    with open(path) as fh:
        data = json.load(fh)
    names = [*parameter_names([2, 2, 1]), "x1", "x2"]
    data.update(architecture={"widths": [2, 2, 1]}, variables=names)
    data["polynomial"] = {"terms": [["1", [0] * len(names)]]}
    data["membership"] = {"method": "resultant", "chain": ["res", "x1", ["eq", 0], ["eq", 2]]}
    return _write(folder, data)


def case_strata(folder):
    """The 3,3,3,3,1 --skip 0:out strata certificate (the largest bundled family)."""
    from symmorse.model.architecture import mlp
    from symmorse.search.certify import certify

    return _write(folder, json.loads(json.dumps(certify(mlp("3,3,3,3,1", skips=[(0, "out")])).to_json())))


def _write(folder, data):
    path = os.path.join(folder, f"{len(os.listdir(folder))}.json")
    with open(path, "w") as fh:
        json.dump(data, fh)
    return path


def _measure(path, channel):
    from symmorse.exact.errors import CertificateError
    from symmorse.kernel import check_path

    start = time.process_time()
    try:
        result = check_path(path)[1]
        answer = "accepted" if result.accepted else f"rejected (exit 1): {result.reason[:60]}"
    except CertificateError as exc:
        answer = f"unreadable (exit 2): {str(exc)[:60]}"
    seconds = time.process_time() - start
    channel.send((answer, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


CASES = [
    ("file of 64 MiB (just under)", case_file_size),
    ("file above 64 MiB", case_file_over),
    ("widths: 1,000 entries", case_widths),
    ("digits: 10,000 to ~60,000 per number (true)", case_digits),
    ("bias expansion: 3,125 terms", case_expansion),
    ("sigma' Sturm: degree 100, 200 bits", case_sturm),
    ("resultant: 14 x 25 terms", case_resultant),
    ("strata: 3,3,3,3,1 --skip 0:out", case_strata),
]


def main() -> None:
    import symmorse.kernel  # noqa: F401  (imported before forking: measured processes share it)

    ctx = multiprocessing.get_context("fork")
    print("| limit | answer | CPU s | peak memory (MB) |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name, build in CASES:
            path = build(folder)
            receive, send = ctx.Pipe(duplex=False)
            worker = ctx.Process(target=_measure, args=(path, send))
            worker.start()
            answer, seconds, memory = receive.recv()
            worker.join()
            print(f"| {name} | {answer} | {seconds:.2f} | {memory:.0f} |", flush=True)


if __name__ == "__main__":
    main()
