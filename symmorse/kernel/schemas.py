"""The shape of every certificate format, as the kernels read it (``docs/certificate-formats.md``).

Each schema lists every key a format may have, required or optional, with its
exact JSON type (:mod:`symmorse.kernel.reader`'s combinators); a key not listed
is refused, so a certificate cannot carry a field the kernel would ignore.  Keys
such as ``reasons``, ``note`` and ``hypothesis`` are explanations for people:
read (bounded strings) but not used by any kernel.  :func:`check_shape` runs
before a kernel, so that a kernel sees only values of the stated types.
"""

from __future__ import annotations

from .reader import (
    MAX_TEXT,
    Bool,
    ByKey,
    Either,
    Int,
    Json,
    List,
    Map,
    Null,
    Obj,
    Rational,
    Rationals,
    Spec,
    Str,
    Tuple,
    validate,
)

__all__ = ["MAX_WIDTHS", "MAX_EXPRESSION", "SCHEMAS", "check_shape"]

#: Most entries of a layered widths list (and so of its branch list).
MAX_WIDTHS = 1_000
#: Longest expression text (a bias, a field, a flow, an activation), in characters.
MAX_EXPRESSION = 200_000

_ID = Either(Int(), Str(200, lo=1))
_RAT = Rational()
_EXPR = Str(MAX_EXPRESSION, lo=1)
_TEXT = Str(MAX_TEXT)
_NAME = Str(200)
_ACTIVATION = Str(MAX_EXPRESSION, lo=1)
_VECTOR = Rationals()
_MATRIX = List(Rationals())
_WIDTHS = List(Int(1, 10_000), hi=MAX_WIDTHS, lo=2)
_VERDICTS = {
    "critical_points": Str(choices=("none", "generic", "undecided")),
    "morse": Str(choices=("generic", "fails", "undecided")),
    "status": Str(choices=("proved", "undecided")),
}
_EXPLANATIONS = {"hypothesis": _TEXT, "reasons": List(_TEXT), "seed": Int()}

LAYERED = Obj(
    {
        "format": Str(choices=("symmorse-certificate/1",)),
        "architecture": Obj({"widths": _WIDTHS}),
        "activation": _ACTIVATION,
        "class": _NAME,
        "parameters": Int(0),
        **_VERDICTS,
        "branches": List(
            Obj(
                {
                    **{k: Int() for k in ("step", "from", "to", "narrowest", "dimension")},
                    "critical_weights_dimension": Int(),
                    "kind": _NAME,
                    "status": _NAME,
                },
                {
                    "note": _TEXT,
                    "reason": _TEXT,
                    "witness": Obj(
                        {
                            "x": _VECTOR,
                            "W": Map(_MATRIX),
                            "u": Map(_VECTOR),
                            "w": _VECTOR,
                            "biases": Map(List(_EXPR)),
                        }
                    ),
                    "claims": Obj(
                        {},
                        {
                            "det_hessian": _RAT,
                            "det_hessian_g": _RAT,
                            "modulus": Int(0),
                            "det_hessian_residue": Int(0),
                            "det_hessian_g_residue": Int(0),
                            "rank_jacobian": Int(0),
                            "rank_hessian": Int(0),
                        },
                    ),
                },
            ),
            hi=MAX_WIDTHS,
        ),
    },
    {"layer_activations": Map(_ACTIVATION), **_EXPLANATIONS},
)

STRATA = Obj(
    {
        "format": Str(choices=("symmorse-strata/1",)),
        "architecture": Obj(
            {
                "nodes": List(Obj({"id": _ID}, {"activation": _ACTIVATION, "fixed_bias": _RAT})),
                "edges": List(Obj({"source": _ID, "target": _ID}, {"fixed_weight": _RAT})),
            },
            {"format": Str(choices=("symmorse-graph/1",)), "name": _TEXT},
        ),
        "activation": _ACTIVATION,
        "class": _NAME,
        "parameters": Int(0),
        "inputs": Int(0),
        **_VERDICTS,
        "strata": List(
            Obj(
                {
                    "decided": Int(0),
                    "complete": Bool(),
                    "dead": List(_ID),
                    "cancelling": List(_ID),
                    "c": Int(0),
                    "c_free": Int(0),
                    "kind": _NAME,
                    "rule": _NAME,
                    "status": _NAME,
                },
                {
                    "note": _TEXT,
                    "reason": _TEXT,
                    "dimension": Int(),
                    "N": List(_ID),
                    "cut": List(_ID),
                    "kappa": Int(0),
                    "paths": List(List(_ID, lo=1)),
                    "block": Obj({"A": List(_ID), "B": List(_ID), "assignment": List(Tuple(_ID, _ID, _RAT))}),
                    "witness": Obj(
                        {
                            "x": _VECTOR,
                            "weights": List(Tuple(_ID, _ID, _RAT)),
                            "u": List(Tuple(_ID, _RAT)),
                            "biases": List(Tuple(_ID, _EXPR)),
                        }
                    ),
                    "claims": Obj({}, {"det_hessian": _RAT, "rank_cancellation_jacobian": Int(0)}),
                },
            )
        ),
    },
    _EXPLANATIONS,
)

_NODE_COMMON = {
    "format": Str(choices=("symmorse-node/1",)),
    "kind": _NAME,
    "n": Int(1, 100),
    "m": Int(1, 100),
    "T": _RAT,
    "field": List(_EXPR, hi=100),
}
_FLOW = Either(Null(), List(_EXPR, hi=100))
_BOX = List(Tuple(_RAT, _RAT), lo=1, hi=64)
_BALL = Obj({"box": _BOX, "Y": _MATRIX, "prec": Int(32, 1024), "index": Int(0)})
_LAYERS = Obj({"A": _MATRIX, "V": _MATRIX, "c": _VECTOR, "activation": _NAME})
NODE = ByKey(
    "kind",
    {
        "classification": Obj(
            {
                **_NODE_COMMON,
                "claims": Obj(
                    {
                        "rank_W": Int(0),
                        "rank_W_out": Int(0),
                        "free_weights": List(Str(choices=("W", "b", "W_out", "b_out")), hi=4),
                    }
                ),
                "verdict": Obj({"class": _NAME, "critical_points": _NAME, "morse": _NAME}),
            },
            {
                "flow": _FLOW,
                "W": Either(Null(), _MATRIX),
                "W_out": Either(Null(), _VECTOR),
                "witness": Either(
                    Null(),
                    Obj({"y": _VECTOR, "W_out": List(_EXPR)}, {"u": _VECTOR, "W": _MATRIX, "ball": _BALL}),
                ),
                "layer_field": Either(Null(), _LAYERS),
            },
        ),
        "critical-points": Obj(
            {
                **_NODE_COMMON,
                "weights": Obj({"W": _MATRIX, "b": _VECTOR, "W_out": _VECTOR, "b_out": _RAT}),
                "prec": Int(32, 1024),
                "points": List(Obj({"box": _BOX, "Y": _MATRIX, "index": Int(0)}), hi=1_000),
                "complete": Bool(),
            },
            {"flow": _FLOW, "layer_field": Either(Null(), _LAYERS), "domain": _BOX},
        ),
        "embedding": Obj(
            {
                **_NODE_COMMON,
                "flow": _FLOW,
                "target": _EXPR,
                "variables": List(_NAME, hi=100),
                "weights": Obj({"W": _MATRIX, "b": _VECTOR, "W_out": _VECTOR, "b_out": _RAT}),
                "claims": Obj({"phi_equals_target": Bool()}),
            }
        ),
    },
)

_POLY = Obj({"terms": List(Tuple(_RAT, List(Int(0, 10_000), hi=64)))})
_POINT = Map(_RAT, keys=r"[A-Za-z][A-Za-z0-9_]{0,40}", hi=64)
_ELIM_COMMON = {
    "format": Str(choices=("symmorse-elimination/1",)),
    "architecture": Obj({"widths": List(Int(1, 64), hi=8, lo=2)}),
    "activation": Obj({"name": _ACTIVATION, "coefficients": List(_RAT, hi=11)}),
    "variables": List(_NAME, hi=64),
    "verdict": _NAME,
    "point": _POINT,
}
_ELIM_OPTIONAL = {"equations": List(_TEXT), "method": _TEXT, "reason": _TEXT, "claim": _TEXT, "seed": Int()}
ELIMINATION = ByKey(
    "verdict",
    {
        "measure-zero": Obj(
            {
                **_ELIM_COMMON,
                "polynomial": _POLY,
                "membership": Obj(
                    {"method": Str(choices=("cofactors", "resultant"))},
                    {"cofactors": List(_POLY, hi=8), "chain": Json(), "claim": _TEXT},
                ),
                "value": _RAT,
                "factorization": Obj(
                    {
                        "content": _RAT,
                        "factors": List(Obj({"polynomial": _POLY, "multiplicity": Int(1), "degree": Int(0)})),
                    }
                ),
            },
            _ELIM_OPTIONAL,
        ),
        "forced": Obj(
            {
                **_ELIM_COMMON,
                "generators": List(_POLY, hi=8),
                "multipliers": List(_POLY, hi=8),
                "cofactors": List(List(_POLY, hi=8), hi=8),
            },
            {**_ELIM_OPTIONAL, "sign_change": List(_POINT, hi=2), "zero": _POINT},
        ),
    },
)

#: Most leaves of a ``symmorse-critical/1`` certificate (a 4-input search may need millions of boxes).
MAX_LEAVES = 5_000_000

CRITICAL = Obj(
    {
        "format": Str(choices=("symmorse-critical/1",)),
        "architecture": Obj({"widths": _WIDTHS}),
        "activation": _ACTIVATION,
        "layers": List(Obj({"W": _MATRIX, "b": _VECTOR}), hi=MAX_WIDTHS),
        "domain": _BOX,
        "points": List(
            Obj(
                {"box": _BOX, "inner": _BOX, "Y": _MATRIX, "Y_inner": _MATRIX},
                {"index": Either(Int(0), Null()), "same_as": Either(Int(0), Null())},
            )
        ),
        "leaves": List(
            Obj(
                {"box": _BOX, "kind": _NAME},
                {
                    "coordinate": Int(0),
                    "point": Int(0),
                    "reason": _TEXT,
                    "hessian_box": _BOX,
                    "krawczyk": Obj({"box": _BOX, "Y": _MATRIX}, {"hessian_box": _BOX}),
                },
            ),
            hi=MAX_LEAVES,
        ),
        "complete": Bool(),
    },
    {"bottleneck": Json()},  # a nested symmorse-critical/1 certificate, checked by the kernel itself
)

#: The schema of each format, by its ``format`` value.
SCHEMAS: dict[str, Spec] = {
    "symmorse-certificate/1": LAYERED,
    "symmorse-strata/1": STRATA,
    "symmorse-node/1": NODE,
    "symmorse-elimination/1": ELIMINATION,
    "symmorse-critical/1": CRITICAL,
}


def check_shape(data: dict, fmt: str) -> None:
    """Refuse (a :class:`~symmorse.exact.errors.CertificateError` naming the field) a certificate
    of format ``fmt`` that does not have the format's shape.

    Examples
    --------
    >>> from symmorse.search.certify import certify
    >>> data = certify("2,3,1").to_json()
    >>> check_shape(data, "symmorse-certificate/1")
    >>> check_shape({**data, "parameters": 13.0}, "symmorse-certificate/1")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: parameters: expected an integer in 0.., got 13.0
    """
    validate(data, SCHEMAS[fmt])
