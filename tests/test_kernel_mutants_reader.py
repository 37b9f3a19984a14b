"""The strict reader (``symmorse.kernel.reader``) at its edges: each test pins down one behaviour that a
surviving mutant of ``tools/mutation.py`` changed (a limit off by one, a message that no longer names the
field, a combinator that lost its argument).  See ``docs/mutation-testing.md``.
"""

import json

import flint
import pytest

from symmorse.exact.errors import CertificateError
from symmorse.kernel import reader
from symmorse.kernel.reader import (
    MAX_DEPTH,
    MAX_DIGITS,
    ByKey,
    Either,
    Int,
    Json,
    List,
    Map,
    Obj,
    Rational,
    Spec,
    Str,
    TooLong,
    Tuple,
    loads,
    rational,
    read_certificate,
    validate,
)


def refusal(call, *args) -> str:
    """The message of the CertificateError that ``call(*args)`` raises."""
    with pytest.raises(CertificateError) as info:
        call(*args)
    return str(info.value)


# -- loads ----------------------------------------------------------------------------------------


def test_loads_reads_utf8_bytes_and_refuses_other_bytes():
    assert loads('{"name": "σ"}'.encode()) == {"name": "σ"}
    assert refusal(loads, b'{"a": "\xff"}') == "the certificate is not UTF-8 text"


def test_loads_names_the_line_of_a_json_error_and_refuses_deep_nesting():
    message = refusal(loads, '{"a": 1\n "b": 2}')
    assert message.startswith("not valid JSON: Expecting ','") and message.endswith(" (line 2)")
    assert refusal(loads, "[" * 100_000 + "]" * 100_000) == "the JSON is nested too deeply to read"


def test_integers_past_the_int_string_limit_are_read_exactly_up_to_max_digits():
    big = "7" * 5000
    assert loads(big) == int(flint.fmpz(big))
    assert loads("-" + "3" * MAX_DIGITS) == -int(flint.fmpz("3" * MAX_DIGITS))
    too_long = loads("9" * (MAX_DIGITS + 1))
    assert isinstance(too_long, TooLong) and too_long.digits == MAX_DIGITS + 1
    assert repr(too_long) == f"an integer of {MAX_DIGITS + 1} digits (more than {MAX_DIGITS})"
    assert (
        refusal(validate, {"n": too_long}, Obj({"n": Int()})) == f"n: expected an integer, got {too_long!r}"
    )


def test_an_object_may_have_max_items_keys_but_not_more(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ITEMS", 3)
    assert loads('{"a": 1, "b": 2, "c": 3}') == {"a": 1, "b": 2, "c": 3}
    assert refusal(loads, '{"a": 1, "b": 2, "c": 3, "d": 4}') == "an object has more than 3 keys"


# -- read_certificate -----------------------------------------------------------------------------


def test_read_certificate_reads_a_file_of_exactly_max_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 2**20)
    exact = tmp_path / "exact.json"
    exact.write_bytes(b"[" + b" " * (2**20 - 3) + b"1]")
    assert read_certificate(str(exact)) == [1]
    bigger = tmp_path / "bigger.json"
    bigger.write_bytes(b"[" + b" " * (2**20 - 2) + b"1]")
    assert refusal(read_certificate, str(bigger)) == (
        f"certificate {str(bigger)!r} has {2**20 + 1} bytes, more than the limit (1 MiB)"
    )


def test_read_certificate_refuses_a_file_that_grows_past_the_limit_while_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_BYTES", 2**20)
    path = tmp_path / "growing.json"
    path.write_bytes(b"[1]")
    real_stat = reader.os.stat

    class Small:
        st_size = 3

    monkeypatch.setattr(reader.os, "stat", lambda p: Small if p == str(path) else real_stat(p))
    path.write_bytes(b"[" + b" " * (2**20 - 2) + b"1]")  # 2**20 + 1 bytes on disk, stat says 3
    assert refusal(read_certificate, str(path)) == f"certificate {str(path)!r} is larger than 1 MiB"
    path.write_bytes(b"[" + b" " * (2**20 - 3) + b"1]")  # exactly the limit: read
    assert read_certificate(str(path)) == [1]


def test_read_certificate_names_the_file_in_every_refusal(tmp_path):
    missing = str(tmp_path / "missing.json")
    assert refusal(read_certificate, missing) == f"certificate {missing!r} does not exist"
    assert refusal(read_certificate, str(tmp_path)) == f"certificate {str(tmp_path)!r} is a directory"
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": 1, "a": 2}')
    assert refusal(read_certificate, str(bad)) == (
        f"certificate {str(bad)!r}: the key 'a' appears twice in one object (two readings)"
    )
    good = tmp_path / "good.json"
    good.write_text('{"widths": [2, 3, 1]}', encoding="utf-8")
    assert read_certificate(str(good)) == {"widths": [2, 3, 1]}


def test_read_certificate_reports_an_unreadable_file(tmp_path):
    looped = tmp_path / "loop.json"
    looped.symlink_to(looped)
    assert refusal(read_certificate, str(looped)).startswith(f"cannot read certificate {str(looped)!r}: ")


# -- rational -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("0.25", flint.fmpq(1, 4)), ("-.5", flint.fmpq(-1, 2)), ("12.05", flint.fmpq(241, 20)), ("3", 3)],
)
def test_decimal_strings_are_exact_rationals(text, value):
    assert rational(text, "x") == value


def test_rational_length_limits():
    longest = "-" + "1" * MAX_DIGITS + "/" + "3" * MAX_DIGITS
    assert len(longest) == 2 * MAX_DIGITS + 2
    assert rational(longest, "x") == flint.fmpq(-flint.fmpz("1" * MAX_DIGITS), flint.fmpz("3" * MAX_DIGITS))
    assert rational("7" * MAX_DIGITS, "x") == flint.fmpz("7" * MAX_DIGITS)
    assert refusal(rational, "7" * (MAX_DIGITS + 1), "x") == f"x: a number with more than {MAX_DIGITS} digits"
    overlong = "1" * (2 * MAX_DIGITS + 3)
    assert refusal(rational, overlong, "x").startswith(
        "x: expected an exact rational (e.g. 2 or '-3/5'), got \"111"
    )


def test_rational_refusals_show_the_value():
    assert refusal(rational, "1/0", "w[0]") == 'w[0]: zero denominator in "1/0"'
    assert (
        refusal(rational, "one", "w[1]") == "w[1]: expected an exact rational (e.g. 2 or '-3/5'), got \"one\""
    )
    assert refusal(rational, None, "w[2]") == "w[2]: expected an exact rational (e.g. 2 or '-3/5'), got null"


# -- the combinators ------------------------------------------------------------------------------


def test_int_bounds_and_their_description():
    assert Int().expected == "an integer"
    assert Int(0).expected == "an integer in 0.."
    assert Int(None, 5).expected == "an integer in ..5"
    assert Int(1, 5).expected == "an integer in 1..5"
    assert Int(0, 0).expected == "an integer in 0..0"
    spec = Int(1, 5)
    assert [spec.accepts(v) for v in (0, 1, 5, 6, True, 2.0)] == [False, True, True, False, False, False]
    assert refusal(validate, {"k": 6}, Obj({"k": spec})) == "k: expected an integer in 1..5, got 6"


def test_str_limits_choices_and_their_description():
    assert Str(3).expected == "a string of 0 to 3 characters"
    assert Str(3, lo=1).expected == "a string of 1 to 3 characters"
    assert Str(choices=("a", "b")).expected == "one of a, b"
    assert [Str(3).accepts(v) for v in ("", "abc", "abcd", 3)] == [True, True, False, False]
    assert Str(3, lo=1).accepts("") is False
    assert Str(choices=("a", "b")).accepts("b") and not Str(choices=("a", "b")).accepts("c")
    assert (
        refusal(validate, {"s": "c"}, Obj({"s": Str(choices=("a", "b"))}))
        == 's: expected one of a, b, got "c"'
    )


def test_any_spec_accepts_everything():
    assert Spec().accepts(object()) is True
    validate({"x": [1]}, Obj({"x": Spec()}))


def test_list_and_tuple():
    assert List(Int()).lo == 0
    validate([], List(Int()))
    validate([1, 2], List(Int(), hi=2))
    assert (
        refusal(validate, [1, 2, 3], List(Int(), hi=2))
        == ": expected a list of 0 to 2 entries, got [1, 2, 3]"
    )
    assert refusal(validate, [1, "a"], List(Int())) == '[1]: expected an integer, got "a"'
    validate([1, "1/2"], Tuple(Int(), Rational()))
    assert refusal(validate, [1], Tuple(Int(), Int())) == ": expected a list of 2 entries, got [1]"
    assert refusal(validate, [1, "x"], Tuple(Int(), Int())) == '[1]: expected an integer, got "x"'


def test_obj_names_missing_and_unknown_keys_and_its_own_path():
    spec = Obj({"a": Int()}, {"b": Str()})
    validate({"a": 1}, spec)
    validate({"a": 1, "b": "x"}, spec)
    assert refusal(validate, [], spec) == "the certificate: expected an object, got []"
    assert refusal(validate, {"o": 3}, Obj({"o": spec})) == "o: expected an object, got 3"
    assert refusal(validate, {"b": "x"}, spec) == "a: missing"
    assert refusal(validate, {"a": 1, "c": 0}, spec) == '"c": unknown key (known: a, b)'
    assert (
        refusal(validate, {"o": {"a": 1, "b": 2}}, Obj({"o": spec}))
        == "o.b: expected a string of 0 to 1000000 characters, got 2"
    )
    assert refusal(validate, {"a": 1, "b": 2}, Obj({"a": Int()})) == '"b": unknown key (known: a)'


def test_map_keys_values_and_size():
    spec = Map(Int())
    validate({"0": 1, "123456": 2}, spec)
    assert refusal(validate, {"1234567": 1}, spec) == '."1234567": not an allowed key here'
    assert refusal(validate, {"k": {"x": 1}}, Obj({"k": spec})) == 'k."x": not an allowed key here'
    assert refusal(validate, {"k": {"0": "a"}}, Obj({"k": spec})) == 'k.0: expected an integer, got "a"'
    validate({"0": 1, "1": 2}, Map(Int(), hi=2))
    assert refusal(validate, {"0": 1, "1": 2, "2": 3}, Map(Int(), hi=2)) == (
        ': expected an object of at most 2 keys, got {"0": 1, "1": 2, "2": 3}'
    )
    validate({"ab": 1}, Map(Int(), keys="[a-z]+"))


def test_either_tries_each_option_in_order_and_reports_the_last():
    spec = Either(Int(), Str(choices=("x",)), List(Int()))
    for value in (1, "x", [1]):
        validate({"v": value}, Obj({"v": spec}))
    assert (
        refusal(validate, {"v": "y"}, Obj({"v": spec}))
        == 'v: expected a list of 0 to 100000 entries, got "y"'
    )
    assert refusal(validate, {"v": ["a"]}, Obj({"v": Either(Int(), List(Int()))})) == (
        'v[0]: expected an integer, got "a"'
    )


def test_bykey_chooses_the_spec_by_tag_and_names_the_tag():
    spec = ByKey("kind", {"a": Obj({"kind": Str(), "n": Int()}), "b": Obj({"kind": Str()})})
    validate({"kind": "a", "n": 1}, spec)
    validate({"kind": "b"}, spec)
    assert refusal(validate, {"kind": "c"}, spec) == 'kind: expected one of a, b, got "c"'
    assert (
        refusal(validate, {"x": {"kind": "c"}}, Obj({"x": spec})) == 'x.kind: expected one of a, b, got "c"'
    )
    assert refusal(validate, {"x": 3}, Obj({"x": spec})) == "x.kind: expected one of a, b, got null"
    assert (
        refusal(validate, {"x": {"kind": "a", "n": "1"}}, Obj({"x": spec}))
        == 'x.n: expected an integer, got "1"'
    )


def test_json_refuses_floats_and_deep_nesting_naming_the_path():
    validate({"j": {"a": [1, "b", None, True]}}, Obj({"j": Json()}))
    assert refusal(validate, {"j": {"a": [1, 2.5]}}, Obj({"j": Json()})) == (
        "j.a[1]: a float is never an exact number, got 2.5"
    )
    assert refusal(validate, {"j": {"a": {"b": 0.5}}}, Obj({"j": Json()})) == (
        "j.a.b: a float is never an exact number, got 0.5"
    )
    deepest = 1
    for _ in range(MAX_DEPTH):
        deepest = [deepest]
    Json().check(deepest, "d")
    assert (
        refusal(Json().check, [deepest], "d")
        == f"d{'[0]' * (MAX_DEPTH + 1)}: nested more than {MAX_DEPTH} levels deep"
    )
    nested = 1
    for _ in range(MAX_DEPTH):
        nested = {"k": nested}
    Json().check(nested, "d")
    assert (
        refusal(Json().check, {"k": nested}, "d")
        == f"d{'.k' * (MAX_DEPTH + 1)}: nested more than {MAX_DEPTH} levels deep"
    )
    assert refusal(Json().check, {"k": [object]}, "d").startswith(
        "d.k[0]: not a JSON value, got <class 'object'>"
    )


def test_shown_values_are_cut_in_the_middle():
    long = "a" * 100
    message = refusal(validate, {"s": long}, Obj({"s": Str(10)}))
    assert message == 's: expected a string of 0 to 10 characters, got "' + "a" * 44 + " ... " + "a" * 9 + '"'
    just = "b" * 58  # shown with its quotes: 60 characters, not cut
    assert refusal(validate, {"s": just}, Obj({"s": Str(10)})).endswith(json.dumps(just))
    over = "c" * 59  # 61 characters: cut
    assert refusal(validate, {"s": over}, Obj({"s": Str(10)})).endswith(
        '"' + "c" * 44 + " ... " + "c" * 9 + '"'
    )
    assert refusal(validate, {"n": float("nan")}, Obj({"n": Int()})) == "n: expected an integer, got nan"


def test_json_integers_are_exact_rationals():
    assert rational(2, "x") == 2 and rational(-7, "x") == -7
    assert rational(int("9" * 50), "x") == flint.fmpz("9" * 50)


def test_a_file_that_is_not_utf8_is_refused_not_crashed(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "\xe9"}'.encode("latin-1"))
    assert (
        refusal(read_certificate, str(path))
        == f"certificate {str(path)!r}: the certificate is not UTF-8 text"
    )


# -- lists of rationals read at once (Rationals) ---------------------------------------------------

FAST_LISTS = {
    "JSON integers": [1, -2, 30],
    "integer texts": ["1", "-2", "007"],
    "19-digit integer texts": ["1" * 19, "2"],
    "rational texts": ["1/2", "-3/4", "5"],
    "18-digit rational texts": ["-" + "9" * 18 + "/" + "7" * 18, "0"],
}


@pytest.mark.parametrize("name", sorted(FAST_LISTS))
def test_plain_rational_lists_are_accepted_without_reading_each_entry(monkeypatch, name):
    """The values Rational accepts one by one, accepted at once (rational() is never called)."""
    values = FAST_LISTS[name]
    for v in values:
        Rational().check(v, "v")
    monkeypatch.setattr(reader, "rational", lambda value, where: pytest.fail(f"{value!r} read one by one"))
    reader.Rationals().check(values, "v")


def test_a_longest_list_of_rationals_is_read_at_once(monkeypatch):
    monkeypatch.setattr(reader, "rational", lambda value, where: pytest.fail("read one by one"))
    reader.Rationals().check(["1"] * reader.MAX_ITEMS, "v")
    with pytest.raises(CertificateError, match=r"^v: expected a list of 0 to \d+ entries, got"):
        reader.Rationals().check(["1"] * (reader.MAX_ITEMS + 1), "v")


@pytest.mark.parametrize(
    "values, reason",
    [
        (["1,2"], "v[0]: expected an exact rational (e.g. 2 or '-3/5'), got \"1,2\""),
        (["1/2", "3,4"], "v[1]: expected an exact rational (e.g. 2 or '-3/5'), got \"3,4\""),
        ([True, 1], "v[0]: expected an exact rational (e.g. 2 or '-3/5'), got true"),
    ],
)
def test_entries_that_are_not_rational_texts_are_named(values, reason):
    with pytest.raises(CertificateError) as refused:
        reader.Rationals().check(values, "v")
    assert str(refused.value) == reason


def test_a_list_of_texts_and_integers_is_read_entry_by_entry():
    reader.Rationals().check(["1/2", 3], "v")


def test_an_empty_list_of_rationals_is_one():
    reader.Rationals().check([], "v")


@pytest.mark.parametrize(
    "texts, plain",
    [
        (["3", "-12", "007"], True),
        (["1" * 19], True),
        (["3", "4-"], False),
        (["3", "--4"], False),
        (["1,2"], False),
        (["3", ""], False),
        ([""], False),
    ],
)
def test_plain_integer_texts(texts, plain):
    assert reader.plain_integers(texts) is plain


def test_a_value_of_no_plain_option_is_refused_naming_every_option():
    either = Either(Int(0), reader.Null())
    either.check(3, "index")
    either.check(None, "index")
    assert refusal(either.check, True, "index") == "index: expected an integer in 0.. or null, got true"
    assert refusal(either.check, -1, "index") == "index: expected an integer in 0.. or null, got -1"


def test_an_option_that_reads_inside_the_value_gives_its_own_refusal():
    either = Either(reader.Null(), List(Int()))
    assert refusal(either.check, [1, "2"], "W") == 'W[1]: expected an integer, got "2"'


def test_a_denominator_with_too_many_digits_is_refused_in_a_list_too():
    """Found in review: leading zeros of a denominator were not counted by the bulk reading, so a list
    accepted a text that the entrywise reading refuses (more than MAX_DIGITS digits)."""
    text = "1/" + "0" * MAX_DIGITS + "1"
    expected = refusal(Rational().check, text, "v[0]")
    assert refusal(reader.Rationals().check, [text], "v") == expected
    reader.Rationals().check(["1/" + "0" * 17 + "3"], "v")  # 17 leading zeros: read at once
    assert rational("1/" + "0" * 17 + "3", "v") == flint.fmpq(1, 3)
