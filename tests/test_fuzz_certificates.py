"""Structure-aware fuzzing of the kernels: genuine certificates of every format, one field mutated.

A session fixture writes genuine certificates with the command line (layered 2,3,1 tanh and
3,2,5,1 sigmoid, strata ``2,2,1 --skip 0:out``, ``resnet:1,2,1``, a neural-ODE classification
and an embedding, an elimination certificate).  Each example picks one field (any key or list
entry, at any depth) and replaces it with a hostile value -- a wrong JSON type, a float, a huge
number, deep nesting, ``"NaN"``, a list for a scalar, unicode -- or removes it, or repeats a key
in the raw text; the text is then read and checked as ``symmorse check`` does
(:func:`symmorse.kernel.check_text`).

What is asserted:

* the outcome is accepted, rejected (``accepted=False``, exit 1) or unreadable
  (:class:`~symmorse.exact.errors.CertificateError`, exit 2) -- never another exception, and never
  the kernel's "not checked: the kernel failed" net (a crash caught late);
* an unreadable file's message names the mutated field (its key or index, or a key on the way
  to it, possibly in the singular: ``cofactor 1`` for ``cofactors[1]``);
* a mutated certificate is accepted only if the mutation did not change what the kernel reads:
  the mutated field is an explanation for people (``note``, ``reason``, ``reasons``,
  ``hypothesis``, ``seed``, ``method``, ``claim``, ``equations``, the graph's ``name``), or a
  helper the kernel recomputes and may go without (a stratum's ``N`` and ``kappa``), or a key
  removed whose value was ``null`` (absent and null mean the same), or a number string replaced by
  the integer of the same value, or an elimination certificate's ``membership.chain`` when the
  method is ``cofactors`` (it only says how P was found).  Anything else accepted
  would be a changed certificate passing, and fails the test.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symmorse.cli import main
from symmorse.exact.errors import CertificateError
from symmorse.kernel import check_text
from symmorse.kernel.reader import rational

_COMMANDS = {
    "layered-2-3-1": ["certify", "2,3,1"],
    "layered-3-2-5-1": ["certify", "3,2,5,1", "-a", "sigmoid"],
    "strata-skip": ["certify", "2,2,1", "--skip", "0:out"],
    "resnet": ["certify", "resnet:1,2,1"],
    "node": ["node", "--inputs", "1", "--field", "0, h1**3", "--certificate"],
    "embedding": ["embed", "x**2 + y", "--vars", "x,y", "--certificate"],
    "elimination": ["eliminate", "1,2,1", "-a", "poly:z**3+z", "--out"],
}
_EXPLANATIONS = {"note", "reason", "reasons", "hypothesis", "seed", "method", "claim", "equations", "name"}
_HELPERS = {"N", "kappa"}
_HUGE = "__HUGE_INT__"
_HOSTILE = [
    None,
    True,
    False,
    0,
    -1,
    1.0,
    0.5,
    "",
    "x",
    "NaN",
    "Infinity",
    "1/0",
    "1e999999",
    "\u202e\u00e9\x00",
    "1" * 120_000,
    10**200,
    _HUGE,
    [],
    {},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    {"format": "symmorse-certificate/1"},
]


@pytest.fixture(scope="session")
def genuine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("genuine")
    certificates = {}
    for name, argv in _COMMANDS.items():
        path = folder / f"{name}.json"
        out = ["--out", str(path)] if argv[0] == "certify" else [str(path)]
        assert main([*argv, *out]) == 0, name
        text = path.read_text()
        assert _outcome(text)[0] == "accepted", name
        certificates[name] = json.loads(text)
    return certificates


def _outcome(text: str) -> tuple[str, str]:
    try:
        result = check_text(text)
    except CertificateError as exc:
        return "unreadable", str(exc)
    assert not result.reason.startswith("not checked: the kernel failed"), result.reason
    return ("accepted" if result.accepted else "rejected"), result.reason


def _paths(data, prefix=()):
    """Every key and list entry of the certificate, as a path of keys and indices."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, value in items:
        found.append((*prefix, key))
        found += _paths(value, (*prefix, key))
    return found


def _text(data) -> str:
    return json.dumps(data).replace(json.dumps(_HUGE), "9" * 150_000)


def _mutate(data, path, value):
    mutated = copy.deepcopy(data)
    target = mutated
    for key in path[:-1]:
        target = target[key]
    if value is _REMOVE:
        if isinstance(target, list):
            target.pop(path[-1])
        else:
            del target[path[-1]]
    else:
        target[path[-1]] = value
    return mutated


_REMOVE = object()


def _get(data, path):
    for key in path:
        data = data[key]
    return data


def _named(message: str, path: tuple) -> bool:
    words = [k.rstrip("s") if isinstance(k, str) else f"[{k}]" for k in path]  # "cofactors": "cofactor 1"
    return any(w in message for w in words) or "format" in message


def _allowed_to_pass(original, path, value) -> bool:
    keys = {k for k in path if isinstance(k, str)}
    if keys & (_EXPLANATIONS | _HELPERS):
        return True
    if path[:2] == ("membership", "chain") and original["membership"]["method"] == "cofactors":
        return True  # with cofactors, the chain only says how P was found; the kernel does not read it
    before = _get(original, path)
    if type(value) is int and isinstance(before, str) and rational(before, "x") == value:
        return True  # the same number written as an integer
    if value is _REMOVE and isinstance(path[-1], str) and _get(original, path) is None:
        return True
    return json.loads(_text(_mutate(original, path, value))) == original


def _fuzz(genuine, name, data):
    original = genuine[name]
    paths = _paths(original)
    path = data.draw(st.sampled_from(paths), label="path")
    value = data.draw(st.sampled_from([_REMOVE, *_HOSTILE]), label="value")
    kind, message = _outcome(_text(_mutate(original, path, value)))
    if kind == "unreadable":
        assert _named(message, path), (path, message)
    elif kind == "accepted":
        assert _allowed_to_pass(original, path, value), (path, value, message)
    else:
        assert message


_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)


@pytest.mark.parametrize("name", ["layered-2-3-1", "layered-3-2-5-1", "strata-skip", "resnet", "elimination"])
@settings(max_examples=100, **_SETTINGS)
@given(data=st.data())
def test_one_mutated_field_of_a_graph_layered_or_elimination_certificate(genuine, name, data):
    _fuzz(genuine, name, data)


@pytest.mark.parametrize("name", ["node", "embedding"])
@settings(max_examples=40, **_SETTINGS)
@given(data=st.data())
def test_one_mutated_field_of_a_neural_ode_certificate(genuine, name, data):
    _fuzz(genuine, name, data)


@pytest.mark.parametrize("name", sorted(_COMMANDS))
@settings(max_examples=10, **_SETTINGS)
@given(data=st.data())
def test_a_repeated_key_in_the_raw_text_is_unreadable(genuine, name, data):
    original = genuine[name]
    paths = [p for p in _paths(original) if isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = _get(original, path[:-1])
    text = json.dumps(original)
    # the parent object written again with the key repeated (same or another value)
    value = data.draw(st.sampled_from([parent[path[-1]], "undecided", None]), label="value")
    body = json.dumps(parent)[1:-1]
    twice = "{" + body + ", " + json.dumps(path[-1]) + ": " + json.dumps(value) + "}"
    assert json.dumps(parent) in text
    kind, message = _outcome(text.replace(json.dumps(parent), twice, 1))
    assert kind == "unreadable" and f"{path[-1]!r} appears twice" in message
