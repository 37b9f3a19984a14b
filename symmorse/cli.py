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


def _network(args: argparse.Namespace) -> Network:
    """The network named by ARCH, --activation and --weights."""
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
    return Network(arch, activation or "tanh", weights)


def _emit(args: argparse.Namespace, text: str) -> None:
    """Print ``text`` or write it atomically to ``--out``."""
    if getattr(args, "out", None):
        write_atomic(args.out, text + "\n")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)


def _cmd_derive(args: argparse.Namespace) -> int:
    from .report import derivation, derivation_latex, derivation_text

    net = _network(args)
    if args.format == "latex":
        _emit(args, derivation_latex(net, args.coordinates))
        return 0
    d = derivation(net, args.coordinates)
    _emit(args, json.dumps(d, indent=2) if args.format == "json" else derivation_text(d))
    return 0


def _neural_ode(args: argparse.Namespace):
    """The neural ODE named by --inputs, --field or --layers, --time and --flow."""
    from .io import read_json
    from .node import NeuralODE, layer_field

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
    write_atomic(args.certificate, json.dumps(certificate, indent=2) + "\n")
    print(f"wrote certificate {args.certificate}", file=sys.stderr)


def _cmd_node(args: argparse.Namespace) -> int:
    node = _neural_ode(args)
    if args.critical_points:
        weights = node.weights(W=args.W, b=args.b, W_out=args.W_out, b_out=args.b_out)
        points = node.critical_points(weights, args.digits, seed=args.seed, count=args.starts)
        if args.json:
            _emit(args, json.dumps({"critical_points": [p.to_json() for p in points]}, indent=2))
        else:
            lines = [
                f"{node.describe()}: {len(points)} critical point(s) found by Newton's method "
                f"(numerical, {args.digits} digits; none proved absent)"
            ]
            lines += [
                f"  x = ({', '.join(d['point'])}), Phi = {d['value']}, "
                + ("degenerate" if d["degenerate"] else f"index {d['index']}")
                for d in (p.to_json() for p in points)
            ]
            _emit(args, "\n".join(lines))
        return 0
    from .node_classify import classification_text, classify_node

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
    from .resnet import depth_compare, depth_compare_text

    node = _neural_ode(args)
    weights = node.weights(W=args.W, b=args.b, W_out=args.W_out, b_out=args.b_out)
    d = depth_compare(node, args.steps, weights, seed=args.seed)
    _emit(args, json.dumps(d.to_json(), indent=2) if args.json else depth_compare_text(d))
    return 0


def _cmd_embed(args: argparse.Namespace) -> int:
    from .embedding import embed, embedding_text

    e = embed(args.expr, args.vars, time=args.time, exact=args.exact, digits=args.digits, seed=args.seed)
    _write_certificate(args, e.construction.certificate, "not verified")
    _emit(args, json.dumps(e.to_json(), indent=2) if args.json else embedding_text(e))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .checker import check_certificate
    from .errors import CertificateError
    from .io import read_json

    result = check_certificate(read_json(args.file, "certificate", CertificateError))
    print(f"{'accepted' if result.accepted else 'rejected'}: {result.reason}")
    return 0 if result.accepted else 1


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
        help='layered field V sigma(A h + c): {"A": [[...]], "V": [[...]], "c": [...], "activation": "tanh"}',
    )
    p.add_argument("--time", "-T", default="1", metavar="T", help="final time T > 0 (exact, default 1)")
    p.add_argument(
        "--W", metavar="MATRIX", help="input weight W (m x n), rows split by ';', e.g. '1,0;0,1;0,0'"
    )
    p.add_argument("--b", metavar="VECTOR", help="input bias b (m entries)")
    p.add_argument("--W-out", dest="W_out", metavar="ROW", help="output weight W~ (m entries)")
    p.add_argument("--b-out", dest="b_out", default="0", metavar="NUMBER", help="output bias (default 0)")
    p.add_argument("--seed", type=int, default=0, help="seed of the witness search / starting points")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of printing")


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

    node = commands.add_parser(
        "node",
        help="classify a neural ODE Phi(x) = W~ phi_T(W x + b) + b~ (with a certificate)",
        description=(
            "Classify the neural ODE from m, n, the exact ranks of W and W~ and the field: no critical "
            "points (rank W = m), affine field (fails), every critical point degenerate (rank W < n), or "
            "Morse for almost every weight (rank W = n < m, exact witness through a closed-form flow, or "
            "numerical through the variational equations)."
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
        "--critical-points",
        action="store_true",
        help="instead: critical points of Phi for the given weights (Newton, numerical)",
    )
    node.add_argument("--starts", type=int, default=12, help="Newton starting points (default 12)")
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
            "classes they exclude, and the augmented neural ODE (m = n + 1, shear field "
            "h_(n+1)' = f(h_1..h_n)/T) that represents f exactly, verified symbolically."
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
    emb.add_argument("--json", action="store_true", help="print JSON")
    emb.add_argument("--certificate", metavar="FILE", help="write the embedding certificate to FILE")
    emb.add_argument("--out", "-o", metavar="FILE", help="write to FILE instead of printing")
    emb.set_defaults(run=_cmd_embed)

    check = commands.add_parser(
        "check",
        help="re-verify a certificate with the independent kernel",
        description="Exit 0 if the certificate is accepted, 1 if rejected (with the first false claim), "
        "2 if it cannot be read.",
    )
    check.add_argument("file", metavar="FILE", help="certificate (JSON)")
    check.set_defaults(run=_cmd_check)
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
