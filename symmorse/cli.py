"""The ``symmorse`` command: parse, call one library function, print.

Every :class:`~symmorse.errors.SymmorseError` becomes one line on standard
error and exit code 2; argparse's own usage errors exit with 2 as well.
Set ``SYMMORSE_DEBUG=1`` to see tracebacks of internal errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .activations import activation_names
from .architecture import describe, parse_architecture
from .errors import InputError, SymmorseError
from .io import load_weights, write_atomic
from .network import Network

__all__ = ["main", "build_parser"]

_ACTIVATION_HELP = (
    "hidden-layer activation: " + ", ".join(activation_names()) + ", or poly:EXPR "
    "(a polynomial in z with rational coefficients, e.g. poly:z**3+z)"
)
_ARCH_HELP = "widths such as 2,3,1 (input first, output width 1) or a node-link JSON graph file"


def _network(args: argparse.Namespace, default_activation: str | None = "tanh") -> Network:
    """The network named by ARCH, --activation and --weights (activation required if no default)."""
    arch = parse_architecture(args.arch) if args.arch else None
    activation = args.activation
    weights = None
    if args.weights:
        wf = load_weights(args.weights)
        if wf.architecture is not None:
            if arch is not None and describe(arch) != describe(wf.architecture):
                raise InputError(
                    f"architecture {describe(arch)} does not match the weights file "
                    f"({describe(wf.architecture)})"
                )
            arch = arch if arch is not None else wf.architecture
        if wf.activation and activation and wf.activation != activation:
            raise InputError(f"--activation {activation} contradicts the weights file ({wf.activation})")
        activation = activation or wf.activation
        weights = wf.weights
    if arch is None:
        raise InputError("give an architecture (e.g. 2,3,1) or a weights file that names one")
    activation = activation or default_activation
    if activation is None:
        raise InputError("the weights file does not name an activation: give --activation")
    return Network(arch, activation, weights)


def _emit(args: argparse.Namespace, text: str) -> None:
    """Print ``text`` or write it atomically to ``--out``."""
    if getattr(args, "out", None):
        write_atomic(args.out, text + "\n")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)


def _cmd_derive(args: argparse.Namespace) -> int:
    from .latex import derivation_latex
    from .report import derivation, derivation_text

    net = _network(args)
    if args.format == "latex":
        _emit(args, derivation_latex(net, args.coordinates))
        return 0
    d = derivation(net, args.coordinates)
    _emit(args, json.dumps(d, indent=2) if args.format == "json" else derivation_text(d))
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from .classify import classify

    c = classify(parse_architecture(args.arch), args.activation)
    if args.json:
        print(json.dumps(c.to_json(), indent=2))
        return 0
    lines = [f"{c.architecture} ({args.activation}): {c.kind}", f"  {c.reason}", f"  {c.hypothesis}"]
    lines += [
        f"  branch k={b.step}: {b.source_width} -> {b.target_width}, {b.kind}, dim B_k = {b.dimension}; "
        f"{b.reason}"
        for b in c.branches
    ]
    if c.graph is not None:
        g = c.graph
        lines.append(
            f"  minimum vertex cut {g.min_cut} ({', '.join(map(str, g.cut_nodes))}); generic ranks by "
            f"depth {g.depth_ranks}; output fan-in {g.output_fan_in}, rank {g.output_rank}"
        )
    print("\n".join(lines))
    return 0


def _cmd_certify(args: argparse.Namespace) -> int:
    from .certify import certify

    if args.time_limit is not None and args.time_limit <= 0:
        raise InputError(f"--time-limit must be positive, got {args.time_limit}")
    if args.attempts < 1:
        raise InputError(f"--attempts must be at least 1, got {args.attempts}")
    cert = certify(parse_architecture(args.arch), args.activation, args.seed, args.attempts, args.time_limit)
    data = cert.to_json()
    if args.out:
        write_atomic(args.out, json.dumps(data, indent=1) + "\n")
    print(json.dumps(data, indent=1) if args.json else cert.summary())
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .checker import check_certificate
    from .errors import CertificateError
    from .io import read_json

    result = check_certificate(read_json(args.file, "certificate", CertificateError))
    if args.json:
        print(json.dumps({"file": args.file, "accepted": result.accepted, "reason": result.reason}))
    else:
        print(f"{'accepted' if result.accepted else 'rejected'}: {args.file}: {result.reason}")
    return 0 if result.accepted else 1


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .activations import get_activation
    from .catalog import catalog_architectures, sweep, write_table

    activations = [get_activation(a).name for a in args.activations.split(",") if a.strip()]
    if not activations:
        raise InputError("--activations needs at least one activation")
    archs = catalog_architectures(args.max_input, args.max_hidden_width, args.max_hidden_layers)
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {args.out!r}: {exc.strerror}") from None
    rows = sweep(archs, activations, args.out, args.workers or os.cpu_count() or 1, args.seed)
    bounds = (
        f"input width <= {args.max_input}, hidden widths <= {args.max_hidden_width}, "
        f"<= {args.max_hidden_layers} hidden layers; activations {', '.join(activations)}; seed {args.seed}"
    )
    table = write_table(args.out, rows, bounds)
    proved = sum(r.status == "proved" for r in rows)
    print(
        f"{len(rows)} certificates in {args.out} ({proved} proved, {len(rows) - proved} undecided); "
        f"table: {table}"
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .catalog import summary_table, verify

    results = verify(args.dir)
    rejected = [v for v in results if not v.result.accepted]
    if args.json:
        report = {
            "checked": len(results),
            "accepted": len(results) - len(rejected),
            "rejected": [{"file": v.file, "reason": v.result.reason} for v in rejected],
        }
        print(json.dumps(report, indent=2))
        return 1 if rejected else 0
    print(summary_table(results))
    print(
        f"checked {len(results)} certificates in {args.dir or 'the bundled catalog'}: "
        f"{len(results) - len(rejected)} accepted, {len(rejected)} rejected"
    )
    for v in rejected:
        print(f"  rejected {v.file}: {v.result.reason}")
    return 1 if rejected else 0


def _cmd_normal_form(args: argparse.Namespace) -> int:
    from .normal_form import normal_form

    nf = normal_form(_network(args))
    if args.json:
        print(json.dumps(nf.to_json(), indent=2))
        return 0
    data = nf.to_json()
    print(f"ranks of W_1..W_L: {nf.ranks}")
    if not nf.inserted:
        print("every weight matrix has full rank: the network is its own normal form")
    for l, r in nf.inserted:
        print(f"  W_{l} has rank {r}: W_{l} = U V exactly; identity layer of width {r} inserted")
    print(f"normal form: widths {data['normal_form_widths']}, hidden activations {data['layer_activations']}")
    proof = "proved (U V = W exactly; the expressions expand equal)" if nf.unchanged else "NOT proved"
    print(f"Phi unchanged: {proof}")
    c = nf.classification
    print(f"class: {c.kind}; {c.reason}")
    for b in c.branches:
        print(f"  branch k={b.step}: {b.kind}; {b.reason}")
    return 0


def _cmd_critical_points(args: argparse.Namespace) -> int:
    from .critical import critical_points

    if args.time_limit is not None and not 0 <= args.time_limit < float("inf"):
        raise InputError("--time-limit must be a number of seconds >= 0")
    if args.out and not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        raise InputError(f"cannot write {args.out!r}: its directory does not exist")
    net = _network(args, default_activation=None)
    if args.plot:
        from .plot import check_plot_target, plot_critical_points

        check_plot_target(args.plot, len(net.inputs))
    result = critical_points(
        net, args.box, method=args.method, min_width=args.min_width, time_limit=args.time_limit
    )
    if args.plot:
        plot_critical_points(result, net, args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    _emit(args, json.dumps(result.to_json(), indent=2) if args.json else result.summary())
    return 0


def _cmd_latex(args: argparse.Namespace) -> int:
    from .architecture import from_json
    from .errors import CertificateRejected
    from .io import read_json
    from .latex import architecture_document, certificate_document, compile_pdf, weights_document

    if args.pdf and not args.out:
        raise InputError("--pdf needs -o FILE.tex (the PDF is written next to it)")
    if args.weights:
        from .critical import critical_points

        net = _network(args)
        found = critical_points(net, args.box, time_limit=args.time_limit)
        tex = weights_document(net, args.weights, critical=found.to_json())
    elif not args.arch:
        raise InputError("give an architecture (e.g. 2,3,1), a certificate file, or --weights FILE")
    elif args.arch.endswith(".json") or os.path.sep in args.arch:
        data = read_json(args.arch, "input file")
        if isinstance(data, dict) and ("layers" in data or isinstance(data.get("parameters"), dict)):
            raise InputError(f"{args.arch} is a weights file: give it as --weights {args.arch}")
        if isinstance(data, dict) and ("nodes" in data or "widths" in data) and "branches" not in data:
            tex = architecture_document(from_json(data), args.activation or "tanh", args.seed, args.arch)
        else:
            if args.activation:
                raise InputError("--activation does not apply to a certificate (it names its own activation)")
            try:
                tex = certificate_document(data, args.arch)
            except CertificateRejected as exc:
                print(f"symmorse: rejected: {args.arch}: {exc}; no LaTeX written", file=sys.stderr)
                return 1
    else:
        tex = architecture_document(parse_architecture(args.arch), args.activation or "tanh", args.seed)
    if not args.out:
        print(tex, end="")
        return 0
    write_atomic(args.out, tex)
    print(f"wrote {args.out}", file=sys.stderr)
    if args.pdf:
        print(f"wrote {compile_pdf(args.out)}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symmorse`` command."""
    parser = argparse.ArgumentParser(
        prog="symmorse",
        description="Exact proofs about the critical points of neural-network input-output maps.",
        epilog="Run 'symmorse COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"symmorse {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    derive = commands.add_parser(
        "derive",
        help="print Phi, its gradient, structured Hessian and det Hess Phi",
        description=(
            "Build the network as an exact expression and derive its gradient (backward "
            "vectors) and structured Hessian sum_l J_l^T diag(sigma''(z_l) v_l) J_l, without "
            "expanding Phi. Weights are symbolic unless --weights gives them."
        ),
        epilog="Example: symmorse derive 2,3,1 --activation tanh --format json",
    )
    derive.add_argument("arch", nargs="?", metavar="ARCH", help=_ARCH_HELP)
    derive.add_argument("--activation", "-a", metavar="NAME", help=_ACTIVATION_HELP + " (default tanh)")
    derive.add_argument("--weights", metavar="FILE", help="JSON weights file (exact rationals or floats)")
    derive.add_argument("--format", choices=["text", "latex", "json"], default="text")
    derive.add_argument(
        "--coordinates",
        choices=["z", "x", "chart"],
        default="z",
        help="write derivatives in pre-activations z (default), in x, or in chart coordinates u",
    )
    derive.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of printing")
    derive.set_defaults(run=_cmd_derive)

    classify = commands.add_parser(
        "classify",
        help="class, widening steps and critical branches of an architecture",
        description="Classify an architecture (non-augmented / augmented / bottleneck) and list its "
        "critical branches with their kinds (morse / degenerate / null) and dimension counts; for "
        "general graphs, generic ranks and the minimum input-output vertex cut.",
        epilog="Example: symmorse classify 3,5,2,4,1 --json",
    )
    classify.add_argument("arch", metavar="ARCH", help=_ARCH_HELP)
    classify.add_argument("--activation", "-a", default="tanh", metavar="NAME", help=_ACTIVATION_HELP)
    classify.add_argument("--json", action="store_true", help="print JSON")
    classify.set_defaults(run=_cmd_classify)

    certify = commands.add_parser(
        "certify",
        help="prove the verdicts of an architecture with exact witnesses",
        description="Search exact rational witnesses per critical branch (chart coordinates) and "
        "prove whether critical points exist for an open set of weights and whether the map is "
        "Morse for almost every weight. What cannot be decided is reported as undecided.",
        epilog="Example: symmorse certify 2,3,1 --out 231.json && symmorse check 231.json",
    )
    certify.add_argument("arch", metavar="ARCH", help=_ARCH_HELP)
    certify.add_argument("--activation", "-a", default="tanh", metavar="NAME", help=_ACTIVATION_HELP)
    certify.add_argument("--seed", type=int, default=0, help="seed of the witness generator (default 0)")
    certify.add_argument("--attempts", type=int, default=8, help="random points per branch (default 8)")
    certify.add_argument("--time-limit", type=float, metavar="S", help="answer undecided after S seconds")
    certify.add_argument("--json", action="store_true", help="print the certificate")
    certify.add_argument("--out", "-o", metavar="FILE", help="write the certificate to FILE")
    certify.set_defaults(run=_cmd_certify)

    check = commands.add_parser(
        "check",
        help="re-verify a certificate with the independent checker",
        description="Re-derive every claim of a certificate with exact arithmetic. Exit 0: accepted; "
        "1: rejected (the first false claim is printed); 2: unreadable input.",
    )
    check.add_argument("file", metavar="FILE", help="certificate (JSON)")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(run=_cmd_check)

    sweep = commands.add_parser(
        "sweep",
        help="certify every MLP within bounds and write a catalog",
        description="Certify every layered MLP with input width <= --max-input, hidden widths <= "
        "--max-hidden-width and at most --max-hidden-layers hidden layers, for each activation, in "
        "parallel; write one certificate per architecture and a README.md table.",
    )
    sweep.add_argument("--max-input", type=int, default=3)
    sweep.add_argument("--max-hidden-width", type=int, default=4)
    sweep.add_argument("--max-hidden-layers", type=int, default=3)
    sweep.add_argument("--activations", default="tanh,sigmoid", help="comma-separated (default tanh,sigmoid)")
    sweep.add_argument(
        "--out", "-o", default="proofs", metavar="DIR", help="output directory (default proofs)"
    )
    sweep.add_argument("--workers", type=int, default=0, help="worker processes (default: all cores)")
    sweep.add_argument("--seed", type=int, default=0)
    sweep.set_defaults(run=_cmd_sweep)

    verify = commands.add_parser(
        "verify",
        help="re-check every certificate of a catalog (default: the bundled one)",
        description="Run the independent checker on every *.json certificate in DIR (default: the "
        "catalog shipped with symmorse). Exit 0 iff all are accepted.",
    )
    verify.add_argument("dir", nargs="?", metavar="DIR", help="directory of certificates")
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.set_defaults(run=_cmd_verify)

    normal = commands.add_parser(
        "normal-form",
        help="factor rank-deficient weights, insert identity layers, classify",
        description="For concrete weights: factor every rank-deficient W_l = U V exactly, insert an "
        "identity layer of width rank W_l, prove Phi unchanged, and classify the result.",
    )
    normal.add_argument("arch", nargs="?", metavar="ARCH", help=_ARCH_HELP + " (optional with --weights)")
    normal.add_argument("--weights", required=True, metavar="FILE", help="JSON weights file")
    normal.add_argument("--activation", "-a", metavar="NAME", help=_ACTIVATION_HELP)
    normal.add_argument("--json", action="store_true", help="print JSON")
    normal.set_defaults(run=_cmd_normal_form)

    critical = commands.add_parser(
        "critical-points",
        help="every critical point of a trained network in a box, certified, with Morse index",
        description=(
            "List the critical points of a network with given weights in a box, each with its Morse "
            "index, and say whether the list is complete. Polynomial activations: exact algebraic "
            "points. Otherwise: boxes certified in ball arithmetic (Krawczyk test, certified inertia); "
            "boxes the method cannot decide are reported as unresolved, never dropped."
        ),
        epilog="Example: symmorse critical-points --weights net.pt --box=-4,4 --plot net.png",
    )
    critical.add_argument(
        "arch", nargs="?", metavar="ARCH", help=_ARCH_HELP + " (default: from the weights file)"
    )
    critical.add_argument(
        "--weights", required=True, metavar="FILE", help="weights: JSON, NumPy .npz or PyTorch .pt/.pth"
    )
    critical.add_argument(
        "--activation", "-a", metavar="NAME", help=_ACTIVATION_HELP + " (default: the file's)"
    )
    critical.add_argument(
        "--box",
        action="append",
        metavar="LO,HI",
        help="search interval, once for every axis or once per input, e.g. --box=-4,4 (write '=' before a "
        "negative bound); default -5,5, or all of R^n on the exact route",
    )
    critical.add_argument("--method", choices=["auto", "exact", "validated"], default="auto")
    critical.add_argument(
        "--min-width",
        metavar="W",
        help="undecided boxes narrower than W are unresolved (default 2^-24 of the box; see docs)",
    )
    critical.add_argument(
        "--time-limit", type=float, metavar="S", help="stop after S seconds (rest: unresolved)"
    )
    critical.add_argument("--json", action="store_true", help="print JSON instead of a table")
    critical.add_argument(
        "--plot", metavar="FILE", help="draw Phi and the critical points (input width 1 or 2)"
    )
    critical.add_argument("--out", "-o", metavar="FILE", help="write the table or JSON to FILE")
    critical.set_defaults(run=_cmd_critical_points)

    latex = commands.add_parser(
        "latex",
        help="a LaTeX document deriving and proving everything about a network",
        description="Write a complete LaTeX document (amsmath and amssymb only) a student can read top to "
        "bottom: the network and its graph, forward pass, backward vectors, gradient and structured Hessian, "
        "the classification and its theorem, the branch table, every witness with its exact check, and the "
        "conclusion. A certificate file is re-checked first (exit 1 if the checker rejects it); an "
        "architecture is certified with --seed; --weights gives a document for concrete weights.",
        epilog="Example: symmorse latex 2,3,1 -o 231.tex --pdf",
    )
    latex.add_argument(
        "arch", nargs="?", metavar="ARCH|CERT.json", help=_ARCH_HELP + ", or a certificate file (JSON)"
    )
    latex.add_argument("--weights", metavar="FILE", help="JSON weights file: a document for concrete weights")
    latex.add_argument("--activation", "-a", metavar="NAME", help=_ACTIVATION_HELP + " (default tanh)")
    latex.add_argument("--seed", type=int, default=0, help="seed of the witness generator (default 0)")
    latex.add_argument(
        "--box",
        action="append",
        metavar="LO,HI",
        help="with --weights: where to certify the critical points (as for critical-points; default -5,5)",
    )
    latex.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="with --weights: seconds for the critical-point search (default 60; the rest is unresolved)",
    )
    latex.add_argument("--out", "-o", metavar="FILE.tex", help="write to FILE.tex instead of printing")
    latex.add_argument("--pdf", action="store_true", help="also run pdflatex; the PDF goes next to FILE.tex")
    latex.set_defaults(run=_cmd_latex)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SymmorseError as exc:
        print(f"symmorse: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symmorse: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input
        if os.environ.get("SYMMORSE_DEBUG"):
            traceback.print_exc()
        print(
            f"symmorse: internal error: {type(exc).__name__}: {exc} "
            "(set SYMMORSE_DEBUG=1 for a traceback; please report it)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
