"""The ranking form's rules, without a request: one select per preference."""

from __future__ import annotations

import pytest

from psephos.contests.casting.trackers import format_tracker
from psephos.contests.views.forms import RankingForm, ordinal

NAMES = ["Ann", "Bob", "Cat"]


def _form(*prefs: str) -> RankingForm:
    return RankingForm(NAMES, {f"pref-{i}": p for i, p in enumerate(prefs, 1)})


@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                         (11, "11th"), (12, "12th"), (13, "13th"),
                                         (21, "21st"), (22, "22nd"), (111, "111th")])
def test_ordinal(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_valid_rankings() -> None:
    form = _form("Cat", "Ann", "")
    assert form.is_valid()
    assert form.ranking() == ["Cat", "Ann"]
    full = _form("Bob", "Cat", "Ann")
    assert full.is_valid() and full.ranking() == ["Bob", "Cat", "Ann"]


def test_errors_name_the_field() -> None:
    assert [(e.field, e.message[:30]) for e in _form("", "", "").field_errors()] == [
        ("pref-1", "Choose at least your 1st prefe")]
    assert [e.field for e in _form("Ann", "Ann", "Bob").field_errors()] == ["pref-2"]
    assert [e.field for e in _form("Ann", "", "Bob").field_errors()] == ["pref-2"]
    assert [e.field for e in _form("Ann", "Zed").field_errors()] == ["pref-2"]


def test_rows_keep_what_was_chosen() -> None:
    rows = _form("Bob", "", "").rows()
    assert [(r["id"], r["label"], r["value"]) for r in rows] == [
        ("pref-1", "1st preference", "Bob"), ("pref-2", "2nd preference", ""),
        ("pref-3", "3rd preference", "")]
    assert rows[0]["choices"][0] == ("", "No preference")


def test_format_tracker() -> None:
    assert format_tracker(" abcd efgh-jkmn pqrs tvwx ") == "ABCD-EFGH-JKMN-PQRS-TVWX"
    assert format_tracker("o0il") == "0011"
