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


def _cmd_eliminate(args: argparse.Namespace) -> int:
    from .elimination import eliminate

    if args.time_limit is not None and args.time_limit <= 0:
        raise InputError(f"--time-limit must be positive, got {args.time_limit}")
    result = eliminate(
        parse_architecture(args.arch), args.activation, seed=args.seed, time_limit=args.time_limit
    )
    data = result.to_json()
    if args.out:
        write_atomic(args.out, json.dumps(data) + "\n")
    print(json.dumps(data) if args.json else result.summary())
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
    check.add_argument("file", metavar="FILE", help="certificate (JSON)")
    check.add_argument("--json", action="store_true", help="print JSON")
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
