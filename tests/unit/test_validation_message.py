"""A schema error is one line that names each bad field by its path, never by pydantic's internal
union-member names (``float``, ``list[str]``, ``function-after[...]``), with the value given."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from claimbench.load.yamlio import validation_message


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float | list[str]
    checked: Annotated[int, AfterValidator(lambda v: v)] = 0


class _Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    predicate: _Inner
    a: int = 0
    b: int = 0
    c: int = 0
    d: int = 0


def _message(data: dict) -> str:
    with pytest.raises(ValidationError) as info:
        _Outer.model_validate(data)
    return validation_message(info.value)


def test_a_union_field_is_named_by_its_path_with_each_alternative_and_the_value_given():
    msg = _message({"predicate": {"value": "three thousand"}})
    assert msg.startswith("field predicate.value: Input should be a valid number")
    assert "or a valid list" in msg and "(got 'three thousand')" in msg
    assert ".float" not in msg and "list[" not in msg and "more)" not in msg


def test_a_validator_wrapped_field_is_named_without_the_validator():
    msg = _message({"predicate": {"value": 1.0, "checked": "x"}})
    assert msg.startswith("field predicate.checked: Input should be a valid integer") and "function-" not in msg


def test_several_bad_fields_are_each_named_on_one_line():
    msg = _message({"predicate": {"value": "x"}, "a": "x", "b": "x", "c": "x", "colour": 1})
    assert "\n" not in msg
    assert msg.startswith("field predicate.value: ") and "; field a: Input should be a valid integer" in msg
    assert msg.endswith("and 3 more: b, c, colour")


def test_a_missing_field_and_an_unknown_key_keep_their_plain_words():
    assert _message({}) == (
        "field predicate: required field missing (no default: write a value, or null and list it as unknown)"
    )
    assert "field colour: unknown key (not allowed by the schema)" in _message({"predicate": {"value": 1}, "colour": 1})
