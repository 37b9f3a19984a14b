"""One strict reading of a certificate file: exact JSON types, known keys only, bounded sizes.

A certificate must mean one thing.  :func:`loads` parses JSON text refusing what
has two readings or none: a repeated key in an object (``json`` would keep the
last one silently), ``NaN``/``Infinity`` (not JSON), integers longer than
:data:`MAX_DIGITS` digits.  :func:`validate` then walks the parsed value along a
*spec* -- the per-format schemas of :mod:`symmorse.kernel.schemas`, written with
the few combinators below -- and refuses a value of the wrong JSON type (a bool
is not an int, a float is never accepted: exact numbers are integers or strings
such as ``"-3/5"``), an unknown key, a missing key, a list or string longer than
its limit.  Every refusal is a :class:`~symmorse.exact.errors.CertificateError`
(the command line's exit code 2, "not a certificate") whose message starts with
the path of the field, e.g. ``branches[0].claims.rank_jacobian: expected an
integer, got true``.  Whether the claims of a well-formed certificate hold is the
kernels' business (``accepted=False``, exit code 1).

Why not jsonschema: it would be a new dependency of the trusted base (this
module must stay auditable in one sitting and import only the standard
library and python-flint), its draft semantics (``"type": "integer"`` accepts
``1.0``; booleans and numbers are easy to confuse) are not the exact reading we
need, and its messages do not name the field in the kernels' words.

:func:`rational` reads an exact rational with FLINT (``fmpz`` from the digit
string), so no Python int-string conversion limit applies, and
:func:`unlimited_digits` lifts that limit while a kernel runs (SymPy's parser
converts integer literals of bias expressions); the lengths are bounded here
instead.  The stated limits (see ``docs/certificate-formats.md``) are the
module constants.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator

import flint

from ..exact.errors import CertificateError

__all__ = [
    "MAX_BYTES",
    "MAX_DIGITS",
    "MAX_TEXT",
    "MAX_ITEMS",
    "MAX_DEPTH",
    "loads",
    "read_certificate",
    "rational",
    "plain_integers",
    "unlimited_digits",
    "Spec",
    "Int",
    "Str",
    "Bool",
    "Null",
    "Rational",
    "Rationals",
    "List",
    "Tuple",
    "Obj",
    "Map",
    "Either",
    "ByKey",
    "Json",
    "validate",
]

#: Largest certificate file read (bytes); a larger one is refused before it is read.
MAX_BYTES = 64 * 2**20
#: Most digits of one number (an integer, or the numerator or denominator of a rational).
MAX_DIGITS = 100_000
#: Longest string (an expression, a name, a note) in a certificate, in characters.
MAX_TEXT = 1_000_000
#: Most entries of one list (or keys of one object) in a certificate.
MAX_ITEMS = 100_000
#: Deepest nesting of lists and objects.
MAX_DEPTH = 40

_RATIONAL = re.compile(r"(-?)(\d+)(?:/(\d+))?|(-?)(\d*)\.(\d+)", re.ASCII)


def _pairs(pairs: list[tuple[str, object]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise CertificateError(f"the key {key!r} appears twice in one object (two readings)")
        data[key] = value
    if len(data) > MAX_ITEMS:
        raise CertificateError(f"an object has more than {MAX_ITEMS} keys")
    return data


class TooLong:
    """An integer literal of more than :data:`MAX_DIGITS` digits, kept unconverted so that the
    schema refuses it naming its field (no spec accepts it)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"an integer of {self.digits} digits (more than {MAX_DIGITS})"


def _integer(text: str) -> int | TooLong:
    if len(text) <= 4_000:  # below Python's int-string limit: the fast C conversion
        return int(text)
    digits = len(text.lstrip("-"))
    return TooLong(digits) if digits > MAX_DIGITS else int(flint.fmpz(text))


def _constant(text: str) -> float:
    raise CertificateError(
        f"{text} is not a JSON value (exact numbers are integers or strings such as '1/2')"
    )


def loads(text: str | bytes) -> object:
    """Parse certificate JSON text strictly: no repeated keys, no NaN/Infinity, bounded integers.

    Raises
    ------
    CertificateError
        If the text is not JSON, or has a repeated key or a non-JSON constant.  (An
        integer of more than :data:`MAX_DIGITS` digits is read as :class:`TooLong`,
        which every spec refuses, naming the field.)

    Examples
    --------
    >>> loads('{"a": [1, "2/3"]}')
    {'a': [1, '2/3']}
    >>> loads('{"a": 1, "a": 2}')
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: the key 'a' appears twice in one object (two readings)
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise CertificateError("the certificate is not UTF-8 text") from None
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_int=_integer, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise CertificateError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        raise CertificateError("the JSON is nested too deeply to read") from None


def read_certificate(path: str) -> object:
    """Read a certificate file strictly (:func:`loads`), refusing one of more than :data:`MAX_BYTES`
    before reading it.

    Raises
    ------
    CertificateError
        If the file is missing, unreadable, too large or not a strict JSON reading.

    Examples
    --------
    >>> read_certificate("no/such/file.json")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: certificate 'no/such/file.json' does not exist
    """
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise CertificateError(
                f"certificate {path!r} has {size} bytes, more than the limit ({MAX_BYTES // 2**20} MiB)"
            )
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise CertificateError(f"certificate {path!r} does not exist") from None
    except IsADirectoryError:
        raise CertificateError(f"certificate {path!r} is a directory") from None
    except OSError as exc:
        raise CertificateError(f"cannot read certificate {path!r}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise CertificateError(f"certificate {path!r} is larger than {MAX_BYTES // 2**20} MiB")
    try:
        return loads(raw)
    except CertificateError as exc:
        raise CertificateError(f"certificate {path!r}: {exc}") from None


def rational(value: object, where: str) -> flint.fmpq:
    """The exact rational of an integer or a string ``"-3/5"``, ``"7"`` or ``"0.25"`` (FLINT, no
    int-string limit), or a :class:`CertificateError` naming ``where``.

    Examples
    --------
    >>> rational("-3/5", "x[0]"), rational(2, "x[1]"), rational("0.25", "x[2]")
    (-3/5, 2, 1/4)
    >>> rational(True, "rank")
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: rank: expected an exact rational (e.g. 2 or '-3/5'), got true
    """
    if type(value) is int:
        return flint.fmpq(value)
    match = _RATIONAL.fullmatch(value) if isinstance(value, str) else None
    if match is None or len(value) > 2 * MAX_DIGITS + 2:
        raise CertificateError(f"{where}: expected an exact rational (e.g. 2 or '-3/5'), got {_shown(value)}")
    sign, num, den, dsign, whole, frac = match.groups()
    if num is None:
        sign, num, den = dsign, (whole or "0") + frac, "1" + "0" * len(frac)
    if max(len(num), len(den or "")) > MAX_DIGITS:
        raise CertificateError(f"{where}: a number with more than {MAX_DIGITS} digits")
    q = flint.fmpz(den or "1")
    if q == 0:
        raise CertificateError(f"{where}: zero denominator in {_shown(value)}")
    return flint.fmpq(flint.fmpz(sign + num), q)


@contextlib.contextmanager
def unlimited_digits() -> Iterator[None]:
    """Lift Python's int-string conversion limit while a kernel runs (lengths are bounded by this
    module instead), and restore it afterwards.

    Examples
    --------
    >>> with unlimited_digits():
    ...     len(str(int("7" * 5000)))
    5000
    """
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(before)


def _shown(value: object) -> str:
    text = json.dumps(value) if _plain(value) else repr(value)
    return text if len(text) <= 60 else text[:45] + " ... " + text[-10:]


def _plain(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


# -- specs: the schema combinators ----------------------------------------------------------------


class Spec:
    """A JSON type: :meth:`check` refuses a value that does not have it, naming ``where``."""

    expected = "a value"

    def check(self, value: object, where: str) -> None:
        if not self.accepts(value):
            raise CertificateError(f"{where}: expected {self.expected}, got {_shown(value)}")

    def accepts(self, value: object) -> bool:
        return True


class Int(Spec):
    """An integer (not a bool, not a float) in ``lo..hi``."""

    def __init__(self, lo: int | None = None, hi: int | None = None) -> None:
        self.lo, self.hi = lo, hi
        bounds = (
            ""
            if lo is None and hi is None
            else f" in {lo if lo is not None else ''}..{hi if hi is not None else ''}"
        )
        self.expected = f"an integer{bounds}"

    def accepts(self, value: object) -> bool:
        return (
            type(value) is int
            and (self.lo is None or value >= self.lo)
            and (self.hi is None or value <= self.hi)
        )


class Str(Spec):
    """A string of at most ``limit`` characters (one of ``choices`` if given)."""

    def __init__(self, limit: int = MAX_TEXT, choices: tuple[str, ...] | None = None, lo: int = 0) -> None:
        self.limit, self.choices, self.lo = limit, choices, lo
        self.expected = (
            f"one of {', '.join(choices)}" if choices else f"a string of {lo} to {limit} characters"
        )

    def accepts(self, value: object) -> bool:
        return (
            isinstance(value, str)
            and self.lo <= len(value) <= self.limit
            and (self.choices is None or value in self.choices)
        )


class Bool(Spec):
    expected = "true or false"

    def accepts(self, value: object) -> bool:
        return isinstance(value, bool)


class Null(Spec):
    expected = "null"

    def accepts(self, value: object) -> bool:
        return value is None


class Rational(Spec):
    """An exact rational: an integer or a string such as ``"-3/5"`` (read by :func:`rational`)."""

    def check(self, value: object, where: str) -> None:
        rational(value, where)


class List(Spec):
    """A list of ``item`` with ``lo..hi`` entries."""

    def __init__(self, item: Spec, hi: int = MAX_ITEMS, lo: int = 0) -> None:
        self.item, self.lo, self.hi = item, lo, hi

    def check(self, value: object, where: str) -> None:
        if not isinstance(value, list) or not self.lo <= len(value) <= self.hi:
            raise CertificateError(
                f"{where}: expected a list of {self.lo} to {self.hi} entries, got {_shown(value)}"
            )
        for i, v in enumerate(value):
            self.item.check(v, f"{where}[{i}]")


#: Texts of rationals of at most 18 digits a side (and at most 17 leading zeros in a denominator, which
#: is never 0), joined by commas.
_PLAIN_RATIONALS = re.compile(
    r"-?\d{1,18}(?:/0{0,17}[1-9]\d{0,17})?(?:,-?\d{1,18}(?:/0{0,17}[1-9]\d{0,17})?)*", re.ASCII
)
#: Deletes the characters of integer texts joined by commas: what is left shows a non-integer.
_INTEGER_CHARACTERS = str.maketrans("", "", "0123456789-,")
#: Substrings that show an entry of a comma-joined list is not ``-?digits``.
_NOT_INTEGERS = (",,", "-,", "--", *(f"{d}-" for d in "0123456789"))


def plain_integers(texts: list) -> bool:
    """Whether every entry is an integer text ``-?digits`` of at most 19 characters (``"-12"``,
    ``"007"``), tested at once by a few scans of the joined text (no regular expression, no
    per-entry Python); ``int()`` reads such a text as :func:`rational` does.

    Examples
    --------
    >>> plain_integers(["3", "-12", "007"]), plain_integers(["3", " 4"]), plain_integers(["1,2"])
    (True, False, False)
    >>> plain_integers(["1/2"]), plain_integers([3]), plain_integers(["\u0663"]), plain_integers(["-"])
    (False, False, False, False)
    """
    try:
        joined = ",".join(texts)
    except TypeError:  # an entry that is not a text
        return False
    return (
        joined != ""  # not one empty entry (nor none)
        and joined.count(",") == len(texts) - 1  # no entry holds a comma
        and not joined.translate(_INTEGER_CHARACTERS)
        and not joined.startswith(",")
        and not joined.endswith((",", "-"))
        and not any(bad in joined for bad in _NOT_INTEGERS)
        and max(map(len, texts)) <= 19
    )


class Rationals(List):
    """A list of at most :data:`MAX_ITEMS` exact rationals, checked at once when every entry is a
    JSON integer or a short integer or rational text (the values :class:`Rational` accepts; it
    decides entry by entry otherwise, with the same answer)."""

    def __init__(self) -> None:
        super().__init__(Rational())

    def check(self, value: object, where: str) -> None:
        if not (isinstance(value, list) and len(value) <= self.hi and _plain_rationals(value)):
            super().check(value, where)


def _plain_rationals(values: list) -> bool:
    """Whether every entry is a JSON integer, or every entry a rational text of <= 18 digits a side."""
    if set(map(type, values)) == {int} or plain_integers(values):
        return True
    try:
        joined = ",".join(values)
    except TypeError:  # an entry that is not a text
        return False
    return joined.count(",") == len(values) - 1 and _PLAIN_RATIONALS.fullmatch(joined) is not None


class Tuple(Spec):
    """A list of fixed length whose entries have the given specs."""

    def __init__(self, *items: Spec) -> None:
        self.items = items

    def check(self, value: object, where: str) -> None:
        if not isinstance(value, list) or len(value) != len(self.items):
            raise CertificateError(
                f"{where}: expected a list of {len(self.items)} entries, got {_shown(value)}"
            )
        for i, (spec, v) in enumerate(zip(self.items, value)):
            spec.check(v, f"{where}[{i}]")


class Obj(Spec):
    """An object with the ``required`` keys, any of the ``optional`` ones, and no other key."""

    def __init__(self, required: dict[str, Spec], optional: dict[str, Spec] | None = None) -> None:
        self.required, self.optional = required, optional or {}

    def check(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise CertificateError(f"{where or 'the certificate'}: expected an object, got {_shown(value)}")
        prefix = f"{where}." if where else ""
        for key in self.required:
            if key not in value:
                raise CertificateError(f"{prefix}{key}: missing")
        for key, v in value.items():
            spec = self.required.get(key) or self.optional.get(key)
            if spec is None:
                known = ", ".join(sorted([*self.required, *self.optional]))
                raise CertificateError(f"{prefix}{_shown(key)}: unknown key (known: {known})")
            spec.check(v, f"{prefix}{key}")


class Map(Spec):
    """An object whose keys match ``keys`` (a regular expression) and whose values have ``value``."""

    def __init__(self, value: Spec, keys: str = r"\d{1,6}", hi: int = MAX_ITEMS) -> None:
        self.value, self.keys, self.hi = value, re.compile(keys), hi

    def check(self, value: object, where: str) -> None:
        if not isinstance(value, dict) or len(value) > self.hi:
            raise CertificateError(
                f"{where}: expected an object of at most {self.hi} keys, got {_shown(value)}"
            )
        for key, v in value.items():
            if not self.keys.fullmatch(key):
                raise CertificateError(f"{where}.{_shown(key)}: not an allowed key here")
            self.value.check(v, f"{where}.{key}")


class Either(Spec):
    """A value having one of the given specs (the first that accepts it).  Refused naming every option
    when each is a plain JSON type (``expected an integer or a string ..., got true``), else with the
    last option's refusal, which may name a part of the value."""

    def __init__(self, *options: Spec) -> None:
        self.options = options
        self.plain = all(type(spec).check is Spec.check for spec in options)  # decided by accepts alone
        self.expected = " or ".join(spec.expected for spec in options)

    def check(self, value: object, where: str) -> None:
        if self.plain:
            super().check(value, where)
            return
        for spec in self.options[:-1]:
            try:
                spec.check(value, where)
                return
            except CertificateError:
                pass
        self.options[-1].check(value, where)

    def accepts(self, value: object) -> bool:
        """Whether a plain option accepts the value (read only when every option is plain)."""
        return any(spec.accepts(value) for spec in self.options)


class ByKey(Spec):
    """An object whose spec is chosen by the string value of one key (e.g. ``kind``)."""

    def __init__(self, key: str, specs: dict[str, Spec]) -> None:
        self.key, self.specs = key, specs

    def check(self, value: object, where: str) -> None:
        tag = value.get(self.key) if isinstance(value, dict) else None
        if not isinstance(tag, str) or tag not in self.specs:
            prefix = f"{where}." if where else ""
            known = ", ".join(self.specs)
            raise CertificateError(f"{prefix}{self.key}: expected one of {known}, got {_shown(tag)}")
        self.specs[tag].check(value, where)


class Json(Spec):
    """Any JSON value without floats, of bounded depth (for structures a kernel reads itself)."""

    def check(self, value: object, where: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise CertificateError(f"{where}: nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, float):
            raise CertificateError(f"{where}: a float is never an exact number, got {_shown(value)}")
        if isinstance(value, list):
            for i, v in enumerate(value):
                self.check(v, f"{where}[{i}]", depth + 1)
        elif isinstance(value, dict):
            for k, v in value.items():
                self.check(v, f"{where}.{k}", depth + 1)
        elif not (value is None or isinstance(value, (bool, int, str))):
            raise CertificateError(f"{where}: not a JSON value, got {_shown(value)}")


def validate(data: object, spec: Spec) -> None:
    """Refuse ``data`` (raise :class:`CertificateError`, naming the field) unless it has ``spec``.

    Examples
    --------
    >>> spec = Obj({"rank": Int(0)}, {"note": Str()})
    >>> validate({"rank": 2}, spec)
    >>> validate({"rank": 1.0}, spec)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: rank: expected an integer in 0.., got 1.0
    >>> validate({"rank": 2, "extra": 0}, spec)
    Traceback (most recent call last):
      ...
    symmorse.exact.errors.CertificateError: "extra": unknown key (known: note, rank)
    """
    spec.check(data, "")
