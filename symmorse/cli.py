"""The ``symmorse`` command: parse, call one library function, print.

Every :class:`~symmorse.exact.errors.SymmorseError` becomes one line on standard
error and exit code 2; argparse's own usage errors exit with 2 as well.
Set ``SYMMORSE_DEBUG=1`` to see tracebacks of internal errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import traceback
from collections.abc import Sequence

from . import __version__
from .exact.errors import InputError, SymmorseError
from .exact.words import plural

# Start-up: nothing here imports SymPy, python-flint, networkx or mpmath; each command
# imports what it needs when it runs, so --help and usage errors answer at once
# (tests/test_cli_startup.py checks this, benchmarks/bench_startup.py times it).

__all__ = ["main", "build_parser"]

#: The names of :func:`symmorse.model.activations.activation_names`, spelt out so the help
#: text needs no SymPy (a test keeps the two lists equal).
ACTIVATION_NAMES = ("tanh", "sigmoid", "softplus", "arctan", "identity", "silu", "gelu")

_ACTIVATION_HELP = (
    "hidden-layer activation: " + ", ".join(ACTIVATION_NAMES) + ", or poly:EXPR "
    "(a polynomial in z with rational coefficients, e.g. poly:z**3+z)"
)
_WEIGHTS_HELP = (
    "weights file: JSON (exact rationals, decimals or floats), NumPy .npz or PyTorch .pt/.pth "
    "(chosen by the file name; see README)"
)
_ARCH_HELP = (
    "widths such as 2,3,1 (input first, output width 1), a residual network resnet:N,M,H1,...,HK "
    "(input, state and block widths), or a node-link JSON graph file"
)


def _write_atomic(path: str, text: str) -> None:
    """:func:`symmorse.model.io.write_atomic`, imported when first used."""
    from .model.io import write_atomic as write

    write(path, text)


def _load_network(*args, **kwargs):
    """:func:`symmorse.model.io.load_network`, imported when first used."""
    from .model.io import load_network as load

    return load(*args, **kwargs)


def _parse_architecture(text: str):
    """:func:`symmorse.model.architecture.parse_architecture`, imported when first used."""
    from .model.architecture import parse_architecture as parse

    return parse(text)


def _emit(args: argparse.Namespace, text: str) -> None:
    """Print ``text`` or write it atomically to ``--out``."""
    if getattr(args, "out", None):
        _write_atomic(args.out, text + "\n")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)


def _cmd_derive(args: argparse.Namespace) -> int:
    from .present.latex import derivation_latex
    from .present.report import derivation, derivation_text

    if args.json and args.format == "latex":
        raise InputError("--json and --format latex contradict each other: give one")
    fmt = "json" if args.json else args.format
    net = _load_network(args.arch, args.activation, args.weights)
    if fmt == "latex":
        _emit(args, derivation_latex(net, args.coordinates))
        return 0
    d = derivation(net, args.coordinates)
    _emit(args, json.dumps(d, indent=2) if fmt == "json" else derivation_text(d))
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    from .search.classify import classify

    c = classify(_architecture(args), args.activation, route="graph" if args.graph else "auto")
    print(json.dumps(c.to_json(), indent=2) if args.json else c.summary())
    return 0


def _cmd_draw(args: argparse.Namespace) -> int:
    from .present.draw import architecture_drawing, check_drawing_target, draw

    check_drawing_target(args.out)
    route = "graph" if args.graph else "auto"
    d = architecture_drawing(_architecture(args), args.activation, route, args.stratum)
    draw(d, args.out)
    marks = {
        "architecture": d.title,
        "widening": {str(k): text for k, text in d.widening.items()},
        "cut": [str(v) for v in d.cut],
        "dead": [str(v) for v in d.dead],
        "cancelling": [str(v) for v in d.cancelling],
        "notes": d.notes,
        "file": args.out,
    }
    print(json.dumps(marks, indent=1) if args.json else "\n".join([d.title, *d.notes, f"wrote {args.out}"]))
    return 0


def _cmd_certify(args: argparse.Namespace) -> int:
    from .search.certify import certify

    if args.attempts < 1:
        raise InputError(f"--attempts must be at least 1, got {args.attempts}")
    route = "graph" if args.graph else "auto"
    plain = not _graph_options(args) and re.fullmatch(r"[0-9\s,]+", args.arch, re.ASCII)
    architecture = args.arch if plain else _architecture(args)  # widths: certified without a graph
    cert = certify(
        architecture, args.activation, args.seed, args.attempts, args.time_limit, route, args.exact_det
    )
    data = cert.to_json()
    if args.out:
        _write_atomic(args.out, json.dumps(data, indent=1) + "\n")
    print(json.dumps(data, indent=1) if args.json else cert.summary())
    return 0


def _cmd_eliminate(args: argparse.Namespace) -> int:
    from .search.elimination import eliminate

    result = eliminate(
        _parse_architecture(args.arch), args.activation, seed=args.seed, time_limit=args.time_limit
    )
    data = result.to_json()
    if args.out:
        _write_atomic(args.out, json.dumps(data) + "\n")
    print(json.dumps(data) if args.json else result.summary())
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .present.catalog import check_file

    checked = check_file(args.file, args.time_limit)
    print(json.dumps(checked.to_json()) if args.json else checked.summary())
    return 0 if checked.result.accepted else 1


def _cmd_sweep(args: argparse.Namespace) -> int:
    from .present.catalog import build_catalog

    catalog = build_catalog(
        args.out,
        args.activations.split(","),
        args.families.split(","),
        args.max_input,
        args.max_hidden_width,
        args.max_hidden_layers,
        args.max_graph_width,
        args.max_graph_depth,
        args.workers or os.cpu_count() or 1,
        args.seed,
        force=args.force,
        show_progress=args.progress,
        scheduler=args.scheduler,
    )
    print(json.dumps(catalog.to_json(), indent=2) if args.json else catalog.summary())
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .present.catalog import default_jobs, verify

    check = verify(
        args.dir, show_progress=args.progress, jobs=args.jobs or default_jobs(), scheduler=args.scheduler
    )
    print(json.dumps(check.to_json(), indent=2) if args.json else check.summary())
    return 1 if check.rejected else 0


def _cmd_normal_form(args: argparse.Namespace) -> int:
    from .search.normal_form import normal_form

    nf = normal_form(_load_network(args.arch, args.activation, args.weights))
    print(json.dumps(nf.to_json(), indent=2) if args.json else nf.summary())
    return 0


def _cmd_critical_points(args: argparse.Namespace) -> int:
    from .search.critical import critical_points

    for target in (args.out, args.certificate):
        if target and not os.path.isdir(os.path.dirname(os.path.abspath(target))):
            raise InputError(f"cannot write {target!r}: its directory does not exist")
    net = _load_network(args.arch, args.activation, args.weights, default_activation=None)
    if args.plot:
        from .present.plot import check_plot_target, plot_critical_points

        check_plot_target(args.plot, len(net.inputs))
    from .present.progress import share, working

    validated = args.method == "validated" or not all(a.is_polynomial for a in net.activations.values())
    if validated:  # a bar of the volume decided; the exact route can only say that it is working
        with share("critical-points", args.progress) as update:
            result = critical_points(
                net,
                args.box,
                method=args.method,
                min_width=args.min_width,
                time_limit=args.time_limit,
                progress=update,
            )
    else:
        with working("critical-points", args.progress):
            result = critical_points(
                net, args.box, method=args.method, min_width=args.min_width, time_limit=args.time_limit
            )
    if args.plot:
        plot_critical_points(result, net, args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    if args.certificate:
        if result.certificate is None:
            raise InputError("--certificate needs the validated route on a layered MLP with one activation")
        _write_atomic(args.certificate, json.dumps(result.certificate) + "\n")
        print(f"wrote {args.certificate} (re-check: symmorse check {args.certificate})", file=sys.stderr)
    _emit(args, json.dumps(result.to_json(), indent=2) if args.json else result.summary())
    return 0


def _cmd_latex(args: argparse.Namespace) -> int:
    from .exact.errors import CertificateRejected
    from .present.documents import compile_pdf, document_for

    if args.pdf and not args.out:
        raise InputError("--pdf needs -o FILE.tex (the PDF is written next to it)")
    if args.pdf and args.fragment:
        raise InputError("--pdf makes a PDF of a whole document; a --fragment is for \\input")
    try:
        tex = document_for(
            args.arch,
            options=_graph_options(args),
            weights=args.weights,
            activation=args.activation,
            seed=args.seed,
            route="graph" if args.graph else "auto",
            box=args.box,
            time_limit=args.time_limit,
            fragment=args.fragment,
        )
    except CertificateRejected as exc:
        if args.json:
            print(json.dumps({"source": args.arch, "rejected": str(exc), "tex": None, "pdf": None}))
        print(f"symmorse: rejected: {args.arch}: {exc}; no LaTeX written", file=sys.stderr)
        return 1
    pdf = None
    if args.out:
        _write_atomic(args.out, tex)
        print(f"wrote {args.out}", file=sys.stderr)
        if args.pdf:
            pdf = compile_pdf(args.out)
            print(f"wrote {pdf}", file=sys.stderr)
    if args.json:  # the files written, or the document itself
        data = {"source": args.arch, "tex": args.out, "pdf": pdf}
        print(json.dumps(data if args.out else {**data, "latex": tex}, indent=2))
    elif not args.out:
        print(tex, end="")
    return 0


def _neural_ode(args: argparse.Namespace):
    """The neural ODE named by --inputs, --field or --layers, --time and --flow."""
    from .model.io import read_json
    from .model.node import NeuralODE, layer_field

    if (args.field is None) == (getattr(args, "layers", None) is None):
        raise InputError("give the vector field with exactly one of --field or --layers")
    field = args.field
    if field is None:
        text = args.layers.strip()
        data = json.loads(text) if text.startswith("{") else read_json(text, "layers file")
        field = layer_field(data)
    return NeuralODE(args.inputs, field, time=args.time, flow=getattr(args, "flow", None))


def _write_certificate(args: argparse.Namespace, certificate: dict | None, status: str) -> None:
    if not getattr(args, "certificate", None):
        return
    if certificate is None:
        print(f"symmorse: no certificate written (status: {status})", file=sys.stderr)
        return
    _write_atomic(args.certificate, json.dumps(certificate, indent=2) + "\n")
    print(f"wrote certificate {args.certificate}", file=sys.stderr)


def _cmd_node(args: argparse.Namespace) -> int:
    trained = None
    if args.model is not None:
        from .model.io import load_neural_ode

        if args.field is not None or args.layers is not None or args.W is not None or args.W_out is not None:
            raise InputError("--model gives the field and the weights: no --field, --layers, --W or --W-out")
        node, trained = load_neural_ode(args.model)
        if node.n != args.inputs:
            raise InputError(f"--inputs {args.inputs} but the model {args.model!r} has {node.n} inputs")
    else:
        node = _neural_ode(args)
    if args.critical_points:
        weights = trained or node.weights(W=args.W, b=args.b, W_out=args.W_out, b_out=args.b_out)
        from .exact.numbers import to_rational
        from .search.node_critical import (
            certify_critical_points,
            critical_points_certificate,
            node_critical_points,
        )

        bound = to_rational(args.box, "--box")
        if bound <= 0:
            raise InputError(f"--box takes a positive number B (the box [-B, B]^n), got {args.box!r}")
        points = node_critical_points(
            node, weights, args.digits, seed=args.seed, count=args.starts, box=bound
        )
        certified = certify_critical_points(node, weights, [p.point for p in points])
        found = [{**p.to_json(), **(c.to_json() if c is not None else {})} for p, c in zip(points, certified)]
        proved = [c for c in certified if c is not None]
        if proved:
            domain = [(-bound, bound)] * node.n
            _write_certificate(args, critical_points_certificate(node, weights, proved, domain), "")
        else:
            _write_certificate(args, None, "no critical point certified")
        if args.json:
            _emit(args, json.dumps({"critical_points": found, "complete": False}, indent=2))
        else:
            lines = [
                f"{node.describe()}: {plural(len(points), 'critical point')} found by Newton's method "
                f"({len(proved)} certified by validated flows; none proved absent)"
            ]
            lines += [
                f"  x = ({', '.join(d['point'])}), Phi = {d['value']}, "
                + ("degenerate" if d["degenerate"] else f"index {d['index']}")
                + f"  [{d['status']}]"
                for d in found
            ]
            _emit(args, "\n".join(lines))
        return 0
    from .search.node_classify import classification_text, classify_node

    c = classify_node(
        node,
        W=args.W,
        W_out=args.W_out,
        seed=args.seed,
        digits=args.digits,
        numerical=args.numerical,
        time_limit=args.time_limit,
    )
    _write_certificate(args, c.certificate, c.status)
    _emit(args, json.dumps(c.to_json(), indent=2) if args.json else classification_text(node, c))
    return 0


def _cmd_depth_compare(args: argparse.Namespace) -> int:
    from .search.resnet import depth_compare, depth_compare_text

    node = _neural_ode(args)
    weights = node.weights(W=args.W, b=args.b, W_out=args.W_out, b_out=args.b_out)
    d = depth_compare(node, args.steps, weights, seed=args.seed)
    _emit(args, json.dumps(d.to_json(), indent=2) if args.json else depth_compare_text(d))
    return 0


def _cmd_embed(args: argparse.Namespace) -> int:
    from .search.embedding import embed, embedding_text

    lo, comma, hi = args.box.partition(",")
    if not comma or not lo.strip() or not hi.strip():
        raise InputError(f"--box takes LO,HI (e.g. --box=-1,1), got {args.box!r}")
    from .exact.numbers import to_rational

    box = (to_rational(lo, "--box LO"), to_rational(hi, "--box HI"))
    e = embed(
        args.expr, args.vars, time=args.time, exact=args.exact, digits=args.digits, seed=args.seed, box=box
    )
    _write_certificate(args, e.construction.certificate, "not verified")
    _emit(args, json.dumps(e.to_json(), indent=2) if args.json else embedding_text(e))
    return 0


def _node_arguments(p: argparse.ArgumentParser, layers_only: bool = False) -> None:
    p.add_argument("--inputs", "-n", type=int, required=True, metavar="N", help="input width n")
    if not layers_only:
        p.add_argument(
            "--field", metavar="EXPRS", help="vector field 'f1, f2, ...' in h1..hm (m = number of parts)"
        )
    else:
        p.set_defaults(field=None)
    p.add_argument(
        "--layers",
        metavar="JSON|FILE",
        help='layered field V sigma(A h + c), inline JSON or a JSON file: '
        '{"A": [[...]], "V": [[...]], "c": [...], "activation": "tanh"}',
    )
    p.add_argument("--time", "-T", default="1", metavar="T", help="final time T > 0 (exact, default 1)")
    p.add_argument(
        "--W", metavar="MATRIX", help="input weight W (m x n), rows split by ';', e.g. '1,0;0,1;0,0'"
    )
    p.add_argument("--b", metavar="VECTOR", help="input bias b (m entries)")
    p.add_argument(
        "--W-out",
        dest="W_out",
        metavar="ROW",
        help="output weight W~ (m entries); fixed only where it decides the answer (W~ = 0, or an affine "
        "field with --W); otherwise the verdict is about generic W~ and b (see the scope line)",
    )
    p.add_argument("--b-out", dest="b_out", default="0", metavar="NUMBER", help="output bias (default 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of the witness search / starting points")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of printing")


def _progress_argument(p: argparse.ArgumentParser) -> None:
    """``--no-progress``: no progress on standard error (it never goes to standard output)."""
    p.add_argument(
        "--no-progress",
        dest="progress",
        action="store_false",
        help="show no progress on standard error (shown by default; never mixed into standard output)",
    )


def _architecture_arguments(p: argparse.ArgumentParser) -> None:
    """ARCH and --activation, as classify and certify take them, and the graph options."""
    p.add_argument("arch", metavar="ARCH", help=_ARCH_HELP)
    p.add_argument("--activation", "-a", default="tanh", metavar="NAME", help=_ACTIVATION_HELP)
    _graph_arguments(p)


def _graph_arguments(p: argparse.ArgumentParser) -> None:
    """Options that turn widths into a graph (skips, dense, masks, fixed weights) or force the strata."""
    g = p.add_argument_group("graphs built from widths (see docs/graphs.md)")
    g.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="K:L",
        help="skip connections from every node of layer K to every node of layer L > K+1 (L may be 'out'); "
        "repeat for more, e.g. --skip 0:2 --skip 0:out",
    )
    g.add_argument("--dense", action="store_true", help="connect every layer to every later layer (DenseNet)")
    g.add_argument(
        "--mask",
        action="append",
        default=[],
        metavar="L=ROWS",
        help="keep only some edges into layer L: one 0/1 string per node of layer L, e.g. --mask 1=10,01,11",
    )
    g.add_argument(
        "--fix",
        action="append",
        default=[],
        metavar="A:B=VALUE",
        help="fix the weight of the edge A -> B to an exact VALUE, e.g. --fix x1:y=1",
    )
    g.add_argument(
        "--graph",
        action="store_true",
        help="decide a layered MLP by its death strata too (the route every other graph takes)",
    )


def _graph_options(args: argparse.Namespace) -> list[str]:
    """The graph options (--skip, --dense, --mask, --fix) as they are spelt after ARCH."""
    options = [f"--skip {t}" for t in args.skip] + ["--dense"] * args.dense
    return options + [f"--mask {t}" for t in args.mask] + [f"--fix {t}" for t in args.fix]


def _architecture(args: argparse.Namespace):
    """The architecture graph named by ARCH and the graph options (--skip, --dense, --mask, --fix)."""
    return _parse_architecture(" ".join([args.arch, *_graph_options(args)]))


def _scheduler_option(parser: argparse.ArgumentParser, local: str) -> None:
    """``--scheduler ADDRESS`` of sweep and verify: run the jobs on a Dask cluster (docs/cluster.md)."""
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the jobs on a Dask cluster: a scheduler address such as tcp://host:8786, or local:N to "
        f"start N worker processes here (pip install 'symmorse[dask]'; {local} is then not used; the "
        "results are the same)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symmorse`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["certify", "2,3,1", "--skip", "0:out"])
    >>> args.activation, args.seed, _graph_options(args)
    ('tanh', 0, ['--skip 0:out'])
    """
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
        epilog="Example: symmorse derive 2,3,1 --activation tanh --json",
    )
    derive.add_argument("arch", nargs="?", metavar="ARCH", help=_ARCH_HELP)
    derive.add_argument("--activation", "-a", metavar="NAME", help=_ACTIVATION_HELP + " (default tanh)")
    derive.add_argument("--weights", metavar="FILE", help=_WEIGHTS_HELP)
    derive.add_argument(
        "--format",
        choices=["text", "latex", "json"],
        default="text",
        help="text (default), LaTeX, or JSON (--format json is the same as --json)",
    )
    derive.add_argument("--json", action="store_true", help="print JSON (as --format json)")
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
    _architecture_arguments(classify)
    classify.add_argument("--json", action="store_true", help="print JSON")
    classify.set_defaults(run=_cmd_classify)

    picture = commands.add_parser(
        "draw",
        help="a picture of an architecture with its widening steps, a minimum cut and a death stratum",
        description="Draw the network graph (layers or any DAG; skip edges as arcs, fixed weights dashed) "
        "with what the classification found: shaded widening steps, a minimum input-output vertex cut "
        "(thick outline), and for graphs the dead (red) and cancelling (ringed) nodes of one death stratum.",
        epilog="Examples: symmorse draw 3,5,2,4,1 --out net.pdf; symmorse draw resnet:2,2,1 --out net.tex",
    )
    _architecture_arguments(picture)
    picture.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="FILE",
        help="the picture: .png, .pdf or .svg (matplotlib, the plot extra) or .tex (a tikzpicture to "
        "\\input; needs \\usepackage{tikz})",
    )
    picture.add_argument(
        "--stratum",
        type=int,
        metavar="N",
        help="the row of the strata table (symmorse classify) whose dead set to show; default: the first "
        "stratum that carries critical points",
    )
    picture.add_argument("--json", action="store_true", help="print what the picture marks as JSON")
    picture.set_defaults(run=_cmd_draw)

    certify = commands.add_parser(
        "certify",
        help="prove the verdicts of an architecture with exact witnesses",
        description="Search exact rational witnesses per critical branch (chart coordinates) and "
        "prove whether critical points exist for an open set of weights and whether the map is "
        "Morse for almost every weight. What cannot be decided is reported as undecided.",
        epilog="Example: symmorse certify 2,3,1 --out 231.json && symmorse check 231.json",
    )
    _architecture_arguments(certify)
    certify.add_argument("--seed", type=int, default=0, help="seed of the witness generator (default 0)")
    certify.add_argument("--attempts", type=int, default=8, help="random points per branch (default 8)")
    certify.add_argument("--time-limit", type=float, metavar="S", help="answer undecided after S seconds")
    certify.add_argument(
        "--exact-det",
        action="store_true",
        help="write the exact rational determinants (default: their residues modulo a prime below 2^20, "
        "which prove them non-zero at a fraction of the cost on wide layers)",
    )
    certify.add_argument("--json", action="store_true", help="print the certificate")
    certify.add_argument("--out", "-o", metavar="FILE", help="write the certificate to FILE")
    certify.set_defaults(run=_cmd_certify)

    eliminate = commands.add_parser(
        "eliminate",
        help="a polynomial P(weights) != 0 vanishing at every weight with a degenerate critical point",
        description=(
            "For a polynomial activation, eliminate x from grad Phi = 0, det Hess Phi = 0 (input width 1 or "
            "2) by resultants: P(theta) != 0 with cofactors P = sum_k A_k E_k, a rational point where "
            "P != 0, and the irreducible factors of P; or a proof that degeneracy is forced (P = 0). "
            "Writes a symmorse-elimination/1 certificate for 'symmorse check'."
        ),
        epilog="Example: symmorse eliminate 1,2,1 -a poly:z**3+z --out e.json && symmorse check e.json",
    )
    eliminate.add_argument("arch", metavar="ARCH", help=_ARCH_HELP)
    eliminate.add_argument(
        "--activation",
        "-a",
        required=True,
        metavar="poly:EXPR",
        help="a polynomial activation, e.g. poly:z**3+z",
    )
    eliminate.add_argument("--seed", type=int, default=0, help="seed of the witness points (default 0)")
    eliminate.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        metavar="S",
        help="answer undecided after S seconds (default 300; the work runs in a memory-limited process)",
    )
    eliminate.add_argument("--json", action="store_true", help="print the certificate")
    eliminate.add_argument("--out", "-o", metavar="FILE", help="write the certificate to FILE")
    eliminate.set_defaults(run=_cmd_eliminate)

    check = commands.add_parser(
        "check",
        help="re-verify a certificate with the independent checker",
        description="Re-derive every claim of a certificate with exact arithmetic. Exit 0: accepted; "
        "1: rejected (the first false claim is printed); 2: unreadable input.",
    )
    check.add_argument("file", metavar="FILE", help="certificate file (JSON, any symmorse-*/1 format)")
    check.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        metavar="S",
        help="give up after S seconds (default 300; the check runs in a memory-limited process: exit 2)",
    )
    check.add_argument("--json", action="store_true", help="print JSON")
    check.set_defaults(run=_cmd_check)

    sweep = commands.add_parser(
        "sweep",
        help="certify every MLP within bounds and write a catalog",
        description="Certify every layered MLP with input width <= --max-input, hidden widths <= "
        "--max-hidden-width and at most --max-hidden-layers hidden layers, and the graph families (MLPs with "
        "input-to-output skips and residual networks within --max-graph-width/--max-graph-depth), for each "
        "activation, in parallel; write one certificate per architecture and a README.md table.",
    )
    sweep.add_argument("--max-input", type=int, default=3, help="largest input width (default 3)")
    sweep.add_argument(
        "--max-hidden-width", type=int, default=4, help="MLPs: largest hidden width (default 4)"
    )
    sweep.add_argument(
        "--max-hidden-layers", type=int, default=3, help="MLPs: most hidden layers (default 3)"
    )
    sweep.add_argument(
        "--families",
        default="mlp,skip,resnet",
        metavar="LIST",
        help="which families: mlp (layered), skip (MLPs with input-to-output skips, --skip 0:out), resnet "
        "(resnet:n,m,h...); default all three",
    )
    sweep.add_argument(
        "--max-graph-width", type=int, default=3, help="skip MLPs and ResNets: largest width (default 3)"
    )
    sweep.add_argument(
        "--max-graph-depth", type=int, default=2, help="skip MLPs and ResNets: most hidden layers or blocks"
    )
    sweep.add_argument("--activations", default="tanh,sigmoid", help="comma-separated (default tanh,sigmoid)")
    sweep.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="DIR",
        help="output folder (required; created if missing; a non-empty one needs --force)",
    )
    sweep.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out folder (files of the same name are replaced)",
    )
    sweep.add_argument("--workers", type=int, default=0, help="worker processes (default: all cores)")
    _scheduler_option(sweep, "--workers")
    sweep.add_argument("--seed", type=int, default=0)
    sweep.add_argument("--json", action="store_true", help="print a JSON summary (counts, folder, rows)")
    sweep.set_defaults(own_progress=True)
    sweep.set_defaults(run=_cmd_sweep)

    verify = commands.add_parser(
        "verify",
        help="re-check every certificate of a catalog (default: the bundled one)",
        description="Run the independent checker on every *.json certificate in DIR (default: the "
        "catalog shipped with symmorse). Exit 0 iff all are accepted.",
    )
    verify.add_argument(
        "dir", nargs="?", metavar="DIR", help="folder of certificate files (*.json; other files are ignored)"
    )
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="check N batches at once (default: every CPU); the results and their order do not depend on N",
    )
    _scheduler_option(verify, "--jobs")
    verify.set_defaults(own_progress=True)
    verify.set_defaults(run=_cmd_verify)

    normal = commands.add_parser(
        "normal-form",
        help="factor rank-deficient weights, insert identity layers, classify",
        description="For concrete weights: factor every rank-deficient W_l = U V exactly, insert an "
        "identity layer of width rank W_l, prove Phi unchanged, and classify the result.",
    )
    normal.add_argument("arch", nargs="?", metavar="ARCH", help=_ARCH_HELP + " (optional with --weights)")
    normal.add_argument("--weights", required=True, metavar="FILE", help=_WEIGHTS_HELP)
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
    critical.add_argument("--weights", required=True, metavar="FILE", help=_WEIGHTS_HELP)
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
        "--time-limit",
        type=float,
        metavar="S",
        help="stop after S CPU seconds (the rest is unresolved; the answer says what fraction is resolved)",
    )
    critical.add_argument("--json", action="store_true", help="print JSON instead of a table")
    critical.add_argument(
        "--plot", metavar="FILE", help="draw Phi and the critical points (input width 1 or 2)"
    )
    critical.add_argument("--out", "-o", metavar="FILE", help="write the table or JSON to FILE")
    critical.add_argument(
        "--certificate", metavar="FILE", help="write the proof (symmorse-critical/1) for symmorse check"
    )
    critical.set_defaults(run=_cmd_critical_points, own_progress=True)

    latex = commands.add_parser(
        "latex",
        help="a LaTeX document deriving and proving everything about a network",
        description="Write a complete LaTeX document (amsmath, amssymb, TikZ) a student can read top to "
        "bottom: the network and its graph, forward pass, backward vectors, gradient and structured Hessian, "
        "the classification and its theorem, the branch table, every witness with its exact check, and the "
        "conclusion. A certificate file is re-checked first (exit 1 if the checker rejects it); an "
        "architecture is certified with --seed; --weights gives a document for concrete weights.",
        epilog="Example: symmorse latex 2,3,1 -o 231.tex --pdf",
    )
    latex.add_argument(
        "arch", nargs="?", metavar="ARCH|CERT.json", help=_ARCH_HELP + ", or a certificate file (JSON)"
    )
    latex.add_argument(
        "--weights", metavar="FILE", help=_WEIGHTS_HELP + ": a document for these concrete weights"
    )
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
    latex.add_argument(
        "--fragment",
        action="store_true",
        help="instead of a document: a short block to \\input (theorem, formulas, a witness, a proof "
        "sketch citing the certificate file)",
    )
    latex.add_argument(
        "--json",
        action="store_true",
        help='print JSON: {"tex": FILE.tex, "pdf": ...} with -o, else the document as "latex"',
    )
    _graph_arguments(latex)
    latex.set_defaults(run=_cmd_latex)

    node = commands.add_parser(
        "node",
        help="classify a neural ODE Phi(x) = W~ phi_T(W x + b) + b~ (with a certificate)",
        description=(
            "Classify the neural ODE from m, n, the exact ranks of W and W~ and the field: no critical "
            "points (rank W = m), affine field (fails), every critical point degenerate (rank W < n), or "
            "Morse for almost every weight (rank W = n < m, exact witness through a closed-form flow, or "
            "numerical through the variational equations). Verdicts range over the weights not given "
            "(free_weights in the output and the certificate)."
        ),
        epilog="Example: symmorse node --inputs 1 --field '0, h1**3' --certificate node.json",
    )
    _node_arguments(node)
    node.add_argument(
        "--flow", metavar="EXPRS", help="closed-form flow 'p1, p2, ...' in h1..hm and t (checked)"
    )
    node.add_argument("--digits", type=int, default=30, help="digits of numerical results (default 30)")
    node.add_argument(
        "--numerical", action="store_true", help="use the variational equations even with a flow"
    )
    node.add_argument("--time-limit", type=float, metavar="SECONDS", help="time for the witness search")
    node.add_argument("--certificate", metavar="FILE", help="write the symmorse-node/1 certificate to FILE")
    node.add_argument(
        "--model",
        metavar="FILE.json",
        help="a trained neural ODE: a symmorse-torch-node/1 description with its state_dict (needs torch); "
        "its W, b, W~, b~ are the weights of --critical-points",
    )
    node.add_argument(
        "--critical-points",
        action="store_true",
        help="instead: critical points of Phi for the given weights (Newton; each certified by a Krawczyk "
        "box from validated flows where it can be; --certificate writes them, not claimed complete)",
    )
    node.add_argument("--starts", type=int, default=12, help="Newton starting points (default 12)")
    node.add_argument(
        "--box",
        default="3",
        metavar="B",
        help="Newton starts in [-B, B]^n, the certificate's domain (default 3)",
    )
    node.set_defaults(run=_cmd_node)

    depth = commands.add_parser(
        "depth-compare",
        help="a layered neural ODE beside its Euler residual network",
        description=(
            "Classify the neural ODE h' = V sigma(A h + c) and its K-step Euler discretisation "
            "h_j = h_{j-1} + (T/K) V sigma(A h_{j-1} + c) side by side: a residual block can have a singular "
            "Jacobian (exact chart point), a flow cannot."
        ),
        epilog=(
            'Example: symmorse depth-compare --inputs 1 --layers \'{"A": [[1]], "V": [[-2]], "c": [0]}\' '
            "--steps 1"
        ),
    )
    _node_arguments(depth, layers_only=True)
    depth.add_argument("--steps", "-K", type=int, default=1, help="Euler steps K (default 1)")
    depth.set_defaults(run=_cmd_depth_compare)

    emb = commands.add_parser(
        "embed",
        help="which architecture classes can represent f, and an exact augmented neural ODE for it",
        description=(
            "Critical points of f (exact for rational polynomials, certified numerics otherwise), the "
            "classes they exclude, the augmented neural ODE (m = n + 1, shear field "
            "h_(n+1)' = f(h_1..h_n)/T) that represents f exactly, verified symbolically, and a proved "
            "lower bound on sup |f - g| over [LO, HI]^n for every g of a class without critical points "
            "(non-augmented MLPs and neural ODEs), from an interior extremum of f."
        ),
        epilog="Example: symmorse embed 'x**3 + y**2' --vars x,y --json",
    )
    emb.add_argument("expr", metavar="EXPR", help="the target f")
    emb.add_argument("--vars", required=True, metavar="NAMES", help="its variables, e.g. x,y")
    emb.add_argument(
        "--time", "-T", default="1", metavar="T", help="final time of the construction (default 1)"
    )
    emb.add_argument("--exact", action="store_true", help="require exact critical points (f a polynomial)")
    emb.add_argument("--digits", type=int, default=30, help="digits of numerical critical points")
    emb.add_argument("--seed", type=int, default=0, help="seed of the Newton starting points")
    emb.add_argument(
        "--box",
        default="-1,1",
        metavar="LO,HI",
        help="the box [LO, HI]^n of the approximation lower bound (default -1,1; write --box=-2,2 for a "
        "negative LO; see docs/approximation.md)",
    )
    emb.add_argument("--json", action="store_true", help="print JSON")
    emb.add_argument("--certificate", metavar="FILE", help="write the embedding certificate to FILE")
    emb.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of printing")
    emb.set_defaults(run=_cmd_embed)

    for command in commands.choices.values():
        _progress_argument(command)
    return parser


def _check_common_options(args: argparse.Namespace) -> None:
    """Options several commands share, validated once: a time limit is finite and >= 0."""
    limit = getattr(args, "time_limit", None)
    if limit is not None and not 0 <= limit < float("inf"):
        raise InputError(f"--time-limit must be a finite number of seconds >= 0, got {limit}")


#: One BLAS thread unless the user sets one of these: the residue products are at most a few
#: thousand wide, where a second thread saves little wall time and its spinning doubles the CPU
#: time that the time limits count (and workers of a sweep would oversubscribe the cores).
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Examples
    --------
    >>> main(["classify", "3,2,1"])  # doctest: +ELLIPSIS
    3,2,1 (tanh): non-augmented
      no widening step ...
    0
    >>> main(["classify", "3,0,1"])
    2
    """
    for name in _BLAS_THREADS:  # before numpy is imported (the commands import it lazily)
        os.environ.setdefault(name, "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_common_options(args)
        if getattr(args, "own_progress", False):  # sweep and verify show a bar of their own
            return args.run(args)
        from .present.progress import working

        with working(args.command, args.progress):
            return args.run(args)
    except SymmorseError as exc:
        print(f"symmorse: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symmorse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head: stop quietly (Python docs' recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
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
