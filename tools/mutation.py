"""Mutation testing of the trusted kernels (``symmorse/kernel/``) with mutmut 3.

Not part of the test suite: a developer runs it by hand, one module or all of them::

    python3 -m venv /tmp/venv-mut && /tmp/venv-mut/bin/pip install -e '.[test]' 'mutmut==3.8.1'
    /tmp/venv-mut/bin/python tools/mutation.py                      # every kernel module
    /tmp/venv-mut/bin/python tools/mutation.py reader schemas       # some of them
    /tmp/venv-mut/bin/python tools/mutation.py reader --survivors   # and print each survivor's diff
    /tmp/venv-mut/bin/python tools/mutation.py reader --resume --retest-survivors   # after adding tests

For each module it copies the checkout (the files git tracks or would track: uncommitted tests count)
into ``.mutation/<module>/`` (git-ignored), adds a ``[tool.mutmut]`` section that mutates only
``symmorse/kernel/<module>.py`` and selects the module's kernel tests (:data:`TESTS`), runs
``mutmut run --max-children N`` there (default one worker) and reads mutmut's results.  It then
prints one row per module: mutants, killed, survived, timeout, no tests, equivalent (the survivors
listed in ``docs/mutation-testing.md``) and the score ``killed / (total - equivalent)``; a timeout
counts as not killed (an interrupted run also shows the mutants not run, and scores those run).
Survivors not listed as equivalent are printed by name (with ``--survivors``
also with their diff) and make the exit code 1.

Time of a first run, one worker on a shared 2-core machine (December 2026, mutmut's stats included):
reader 4 min, schemas 0.5 min, ``__init__`` 0.5 min, constants 1.5 min, elimination 15 min, critical 24 min,
node 6 min, node_ball 11 min, base 11 min, graph 15 min, layered 7 min.
``--resume`` keeps ``.mutation/<module>/``; with ``--retest-survivors`` it runs again only the mutants that
were not killed (survivors, untested, timeouts) with the current tests, 1-3 min per module, and keeps the
earlier verdicts of the others (a killed mutant stays killed when tests are only added).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
DOC = ROOT / "docs" / "mutation-testing.md"

#: The search-side consistency tests of ``test_strata.py`` over the whole catalogue (a minute per
#: mutant): not kernel tests, deselected wherever ``test_strata.py`` runs.
STRATA_SEARCH_TESTS = [
    "--deselect=tests/test_strata.py::test_every_layered_catalog_certificate_gets_the_same_verdicts_by_its_strata",
    "--deselect=tests/test_strata.py::test_the_catalogs_strata_certificates_are_reproduced",
    "--deselect=tests/test_strata.py::test_the_search_at_random_weights_can_find_critical_points",
]

#: The kernel tests selected for each kernel module (mutmut runs, for each mutant, only those of them
#: that call the mutated function).  The new ``tests/test_kernel_mutants_<module>.py`` are added when present.
TESTS: dict[str, list[str]] = {
    "reader": [
        "test_kernel_hardening.py",
        "test_fuzz_certificates.py",
        "test_checker.py",
        "test_kernel_layered_fast.py",
    ],
    "schemas": [
        "test_kernel_hardening.py",
        "test_fuzz_certificates.py",
        "test_checker.py",
        "test_check_node.py",
        "test_kernel_critical.py",
    ],
    "__init__": ["test_checker.py", "test_kernel_hardening.py", "test_fuzz_certificates.py"],
    "constants": ["test_kernel_constants.py", "test_check_node.py"],
    "graph": [
        "test_strata.py",
        "test_kernel_hardening.py",
        "test_fuzz_certificates.py",
        "test_layers.py",
        *STRATA_SEARCH_TESTS,
    ],
    # ball witnesses and certified critical points of given weights: node_ball's tests too
    "node": [
        "test_check_node.py",
        "test_kernel_hardening.py",
        "test_fuzz_certificates.py",
        "test_node_ball.py",
        "test_kernel_mutants_node_ball.py",
    ],
    "node_ball": ["test_node_ball.py", "test_check_node.py"],
    "elimination": ["test_elimination.py", "test_kernel_hardening.py", "test_fuzz_certificates.py"],
    "critical": ["test_kernel_critical.py", "test_kernel_hardening.py", "test_fuzz_certificates.py"],
    "base": [
        "test_kernel_base.py",
        "test_checker.py",
        "test_kernel_hardening.py",
        "test_elimination.py",
        "test_kernel_layered_fast.py",
        "test_kernel_mutants_layered.py",
        # the DAG derivatives are the graph kernel's: its tests too
        "test_strata.py",
        "test_kernel_mutants_graph.py",
        *STRATA_SEARCH_TESTS,
    ],
    "layered": [
        "test_checker.py",
        "test_kernel_layered_fast.py",
        "test_kernel_hardening.py",
        "test_fuzz_certificates.py",
        "test_certify.py",
    ],
}

#: The order of a full run: the modules being rewritten elsewhere (base, layered) come last.
ORDER = [
    "reader",
    "schemas",
    "__init__",
    "constants",
    "elimination",
    "critical",
    "node",
    "node_ball",
    "graph",
    "base",
    "layered",
]

#: mutmut's exit codes, by what they mean here.
KILLED = {1, 3, -11}  # a test failed or errored, or the mutant crashed the test process (SIGSEGV)
SURVIVED = {0}
TIMEOUT = {36, -24, 24, 152, 255}
NO_TESTS = {5, 33}


def tests_for(module: str, root: Path = ROOT) -> list[str]:
    """The test files mutmut runs for ``module`` (paths relative to the checkout)."""
    name = module.strip("_") or module
    files = list(TESTS[module])
    extra = f"test_kernel_mutants_{'init' if module == '__init__' else name}.py"
    if (root / "tests" / extra).exists():
        files.append(extra)
    return [f if f.startswith("--") else f"tests/{f}" for f in files]


def equivalents(doc: Path = DOC) -> dict[str, str]:
    """The mutants listed as equivalent in ``docs/mutation-testing.md``: name -> reason.

    A listed mutant is a table row whose first cell is the mutant's name in backquotes, e.g.
    ``| `symmorse.kernel.reader.x_loads__mutmut_3` | reason |``.
    """
    if not doc.exists():
        return {}
    found = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*`(symmorse\.kernel\.[\w.]+__mutmut_\d+)`\s*\|(.*)\|\s*$", line)
        if m:
            found[m.group(1)] = m.group(2).strip()
    return found


def _copy_checkout(dest: Path) -> None:
    """Copy the files of the checkout git knows (tracked, or untracked and not ignored) into ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        src = ROOT / rel
        if not src.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)


def _configure(dest: Path, module: str) -> None:
    """Write the ``[tool.mutmut]`` section for ``module`` at the end of the copy's ``pyproject.toml``
    (replacing the one a previous run wrote)."""
    tests = tests_for(module)
    section = {
        "source_paths": ["symmorse"],
        "only_mutate": [f"symmorse/kernel/{module}.py"],
        "also_copy": ["proofs", "examples", "docs", "README.md"],
        "pytest_add_cli_args_test_selection": tests,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly"],
        "use_git_change_detection": False,
        "timeout_multiplier": 5.0,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in section.items()]
    text = (dest / "pyproject.toml").read_text(encoding="utf-8").split("\n[tool.mutmut]\n")[0].rstrip("\n")
    (dest / "pyproject.toml").write_text(text + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _meta(dest: Path, module: str) -> Path:
    return dest / "mutants" / "symmorse" / "kernel" / f"{module}.py.meta"


def results(dest: Path, module: str) -> dict[str, int | None]:
    """mutmut's exit code for every mutant of ``module`` in the work directory ``dest`` (None: not run).

    After ``--resume`` the earlier runs' codes (``previous.json``) stand for the mutants not run again:
    new tests change the test selection, on which mutmut forgets every result, but a mutant that was
    killed stays killed when tests are only added.
    """
    meta = _meta(dest, module)
    codes = dict(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]) if meta.exists() else {}
    previous = dest / "previous.json"
    if previous.exists():
        before = json.loads(previous.read_text(encoding="utf-8"))
        codes = {k: before.get(k) if v is None else v for k, v in codes.items()}
    return codes


def run_module(module: str, *, children: int, resume: bool, retest: list[str]) -> int:
    """Run mutmut on one kernel module in ``.mutation/<module>/``; returns mutmut's exit code."""
    dest = WORK / module
    if not resume and dest.exists():
        shutil.rmtree(dest)
    if not dest.exists():
        _copy_checkout(dest)
        _configure(dest, module)
    else:  # resuming: keep the results so far, take the current sources, tests and their selection
        (dest / "previous.json").write_text(json.dumps(results(dest, module)), encoding="utf-8")
        _copy_checkout(dest)  # a changed kernel function gets new mutants, which the first run below tests
        _configure(dest, module)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    base = [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)]
    code = 0
    with open(dest / "mutmut.log", "a", encoding="utf-8") as out:
        for cmd in [base] + ([base + retest] if retest else []):  # what is undecided, then the retests
            done = subprocess.run(cmd, cwd=dest, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
            code = code or done.returncode
    return code


_DIFFS = """
import sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
path = sys.argv[1]
for name in sys.argv[2:]:
    try:
        lines = get_diff_for_mutant(name, path=path).splitlines()
    except Exception as exc:  # a file being written by a running mutmut
        lines = [f"- (no diff: {type(exc).__name__})"]
    print(name)
    print("\\n".join(line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")))
    print()
"""


def diffs(dest: Path, module: str, names: list[str]) -> str:
    """The changed lines of the given mutants of ``module`` (mutmut's diffs, in one process)."""
    if not names:
        return ""
    path = f"symmorse/kernel/{module}.py"
    shown = subprocess.run(
        [sys.executable, "-c", _DIFFS, path, *names], cwd=dest, capture_output=True, text=True, check=False
    )
    return shown.stdout + shown.stderr


def _owner(name: str) -> str:
    """The kernel module of a mutant name (``symmorse.kernel.x_f__mutmut_1`` is ``__init__``'s)."""
    parts = name.split(".")
    return parts[2] if len(parts) > 3 else "__init__"


def summary(module: str, codes: dict[str, int | None], listed: dict[str, str]) -> dict:
    """Counts and score of one module from its mutants' exit codes and the equivalent list."""
    survived = sorted(k for k, v in codes.items() if v in SURVIVED)
    equivalent = [k for k in codes if k in listed and codes[k] not in KILLED]
    row = {
        "module": module,
        "mutants": len(codes),
        "killed": sum(v in KILLED for v in codes.values()),
        "survived": len(survived),
        "timeout": sum(v in TIMEOUT for v in codes.values()),
        "no_tests": sum(v in NO_TESTS for v in codes.values()),
        "not_run": sum(v is None for v in codes.values()),
        "equivalent": len(equivalent),
        "open": [k for k in survived if k not in listed],
        "untested": sorted(k for k, v in codes.items() if v in NO_TESTS and k not in listed),
        "stale": sorted(k for k in listed if _owner(k) == module and k not in equivalent),
    }
    live = row["mutants"] - row["equivalent"] - row["not_run"]  # a partial run: the score of those run
    row["score"] = row["killed"] / live if live else 1.0
    return row


def print_table(rows: list[dict]) -> None:
    """Print the per-module table (markdown, as in ``docs/mutation-testing.md``)."""
    print("| module | mutants | killed | survived | timeout | no tests | not run | equivalent | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['survived']} | {r['timeout']} | "
            f"{r['no_tests']} | {r['not_run']} | {r['equivalent']} | {100 * r['score']:.1f}% |"
        )


def main(argv: list[str] | None = None) -> int:
    """Command line: run the chosen modules, print the table; exit 1 if a survivor is not explained."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"kernel modules (default: all, in the order {ORDER})")
    parser.add_argument("--max-children", type=int, default=1, help="mutmut workers (default 1)")
    parser.add_argument("--resume", action="store_true", help="keep .mutation/<module>/ and its results")
    parser.add_argument("--retest", nargs="*", default=[], help="mutant names to run again (with --resume)")
    parser.add_argument(
        "--retest-survivors",
        action="store_true",
        help="with --resume: run the survivors, untested and timed-out mutants of the last run again",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="only read the results already in .mutation/"
    )
    parser.add_argument(
        "--survivors", action="store_true", help="print the diff of each unexplained survivor"
    )
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    modules = args.modules or ORDER
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        parser.error(f"unknown kernel modules {unknown} (known: {ORDER})")
    listed = equivalents()
    rows = []
    for module in modules:
        start = time.monotonic()
        dest = WORK / module
        if not args.report_only:
            retest = [n for n in args.retest if _owner(n) == module]
            if args.retest_survivors:
                retest += [k for k, v in results(dest, module).items() if v not in KILLED and k not in retest]
            code = run_module(module, children=args.max_children, resume=args.resume, retest=retest)
            if code != 0:
                print(f"{module}: mutmut exited with {code}, see {dest / 'mutmut.log'}", flush=True)
        row = summary(module, results(dest, module), listed)
        row["seconds"] = round(time.monotonic() - start)
        rows.append(row)
        print(
            f"{module}: {row['mutants']} mutants, score {100 * row['score']:.1f}% ({row['seconds']} s)",
            flush=True,
        )
    print()
    print_table(rows)
    for r in rows:
        if args.survivors:
            print(diffs(WORK / r["module"], r["module"], r["open"] + r["untested"]))
        for name in r["open"]:
            print(f"survived, not listed as equivalent: {name}")
        for name in r["untested"]:
            print(f"not tested (no selected test calls its function): {name}")
        for name in r["stale"]:
            print(f"listed as equivalent but not a survivor now (stale entry): {name}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 1 if any(r["open"] or r["untested"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
