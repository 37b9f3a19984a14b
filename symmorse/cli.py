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
    from .report import derivation, derivation_latex, derivation_text

    net = _network(args)
    if args.format == "latex":
        _emit(args, derivation_latex(net, args.coordinates))
        return 0
    d = derivation(net, args.coordinates)
    _emit(args, json.dumps(d, indent=2) if args.format == "json" else derivation_text(d))
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
