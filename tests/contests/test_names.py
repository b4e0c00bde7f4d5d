"""Candidate names: unique once case and Unicode forms are ignored, no invisible or
line-breaking characters, and names with commas and quotes published and read back.

Regression tests for issue #10: "Anna Strauß" and "Anna Strauss" were both accepted and
ballots for the first were stored for the second; zero-width spaces, decomposed accents and
right-to-left overrides made look-alike candidates."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.contests.helpers import (
    SMALL,
    ceremony_by_cli,
    decrypt_by_cli,
    member,
    run_cli,
    small_contest,
    write_roll,
)

STRAUSS = ("Anna Strauß", "Anna Strauss")


def _with_names(*names: str) -> str:
    """The small contest's definition with these candidates in place of Alice, Bob, Carol."""
    text = SMALL[:SMALL.index("[[candidates]]")]
    for name in names:
        text += f"[[candidates]]\nname = {json.dumps(name)}\nconsented = true\n\n"
    return text


@pytest.fixture(autouse=True)
def _django(backend: dict[str, Any]) -> None:
    """Django set up (the definition reader and the paper import the models)."""


def _load(tmp_path: Path, *names: str) -> Any:
    from psephos.contests.definition import load_definition

    path = tmp_path / "contest.toml"
    path.write_text(_with_names(*names), encoding="utf-8")
    return load_definition(path)


def _refusal(tmp_path: Path, *names: str) -> str:
    from psephos.contests.errors import DefinitionError

    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, *names)
    return caught.value.message


def test_the_key_ignores_case_and_unicode_forms() -> None:
    from psephos.contests.names import name_key

    assert name_key("Anna Strauß") == name_key("ANNA STRAUSS") == name_key("anna strauss")
    assert name_key("Zoë Smith") == name_key("Zoe\u0308 Smith")  # decomposed diaeresis
    assert name_key("Ｂｏｂ") == name_key("bob")  # full-width letters
    assert name_key("Mary  Jones") == name_key("Mary\u00a0Jones") == name_key("mary jones")
    assert name_key("Anna") != name_key("Anne")


@pytest.mark.parametrize(("names", "message"), [
    (STRAUSS, "candidates[1].name: 'Anna Strauss' is the same name as 'Anna Strauß'"),
    (("Zoë Smith", "Zoe\u0308 Smith"), "candidates[1].name: 'Zoë Smith' appears twice"),
    (("Bob", "BOB"), "candidates[1].name: 'BOB' is the same name as 'Bob'"),
    (("Bob", "Bob"), "candidates[1].name: 'Bob' appears twice"),
])
def test_the_definition_refuses_names_that_compare_equal(tmp_path: Path, names: tuple[str, ...],
                                                        message: str) -> None:
    refused = _refusal(tmp_path, *names, "Alice")
    assert message in refused and refused.endswith("(candidates[0])")


@pytest.mark.parametrize(("name", "message"), [
    ("Ann\u200ba", "contains U+200B ZERO WIDTH SPACE"),
    ("\u202eAnna", "contains U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Anna\u2067x\u2069", "contains U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("\ufeffAnna", "contains U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("Anna\nSmith", "contains U+000A"),
    ("Anna\tSmith", "contains U+0009"),
    ("Anna\u2028Smith", "contains U+2028 LINE SEPARATOR"),
    (" Anna", "has blanks at its start or end"),
    ("Anna ", "has blanks at its start or end"),
    ("   ", "is empty"),
    ("A" * 201, "is 201 characters long; at most 200"),
])
def test_the_definition_refuses_invisible_and_line_breaking_characters(
        tmp_path: Path, name: str, message: str) -> None:
    refused = _refusal(tmp_path, "Alice", "Bob", name)
    assert f"contest.toml: candidates[2].name: {message}" in refused


def test_a_name_is_kept_composed_and_nominations_may_spell_it_another_way(
        tmp_path: Path) -> None:
    text = _with_names("Alice", "Zoe\u0308 Smith", "Bob") + (
        '[nominations]\nrequire = [["plp"]]\n'
        '[[nominations.bodies]]\nslug = "plp"\nname = "MPs"\nsize = 10\nshare = 0.1\n'
        '[[nominations.made]]\ncandidate = "ZOË SMITH"\nbody = "plp"\ncount = 1\n')
    path = tmp_path / "contest.toml"
    path.write_text(text, encoding="utf-8")
    from psephos.contests.definition import load_definition

    definition = load_definition(path)
    assert [c.name for c in definition.candidates] == ["Alice", "Zoë Smith", "Bob"]
    assert definition.candidates[1].name == "Zo\u00eb Smith"  # NFC
    assert {n.candidate for n in definition.nominations} == {"Zoë Smith"}


def test_a_ballot_for_a_name_goes_to_that_candidate_even_if_a_look_alike_was_stored() -> None:
    """The ballot paper resolves an exact name first; two stored names that compare equal
    (a database from before the check) are reachable only by their exact spelling."""
    from psephos.contests.casting.paper import BallotPaper
    from psephos.contests.errors import InvalidRanking
    from psephos.contests.models import Candidate

    paper = BallotPaper.of([Candidate(pk=7, name="Anna Strauß"),
                            Candidate(pk=8, name="Anna Strauss"), Candidate(pk=9, name="Bob")])
    assert paper.resolve(["Anna Strauß", "Bob"]) == [7, 9]
    assert paper.resolve(["Anna Strauss"]) == [8]
    assert paper.resolve(["bob"]) == [9]
    for loose in ("anna strauß", "ANNA STRAUSS"):  # which of the two? refused, not guessed
        with pytest.raises(InvalidRanking):
            paper.resolve([loose])


def test_a_ranking_may_name_a_candidate_in_another_case_or_form() -> None:
    from psephos.contests.casting.paper import BallotPaper
    from psephos.contests.models import Candidate

    paper = BallotPaper.of([Candidate(pk=1, name="Anna Strauß"),
                            Candidate(pk=2, name="Zoë Smith")])
    assert paper.resolve(["ANNA STRAUSS", "zoe\u0308 smith"]) == [1, 2]


def test_services_and_the_model_refuse_a_look_alike(db: str, tmp_path: Path) -> None:
    from psephos.contests.errors import NominationError
    from psephos.contests.models import Candidate
    from psephos.contests.nominations import add_candidate

    contest = small_contest(tmp_path)
    add_candidate(contest, "Anna Strauß", actor="ro")
    with pytest.raises(NominationError, match="same name as 'Anna Strauß'"):
        add_candidate(contest, "ANNA STRAUSS", actor="ro")
    with pytest.raises(NominationError, match="U\\+200B ZERO WIDTH SPACE"):
        add_candidate(contest, "Do\u200bra", actor="ro")
    with pytest.raises(NominationError, match="same name as 'Alice'"):
        Candidate.objects.create(contest=contest, name="alice", order=9)
    with pytest.raises(NominationError, match="RIGHT-TO-LEFT OVERRIDE"):
        Candidate.objects.create(contest=contest, name="\u202eecilA", order=9)
    assert contest.candidates.count() == 4


def test_names_with_commas_and_quotes_publish_and_count_again_the_same(
        db_url: str, tmp_path: Path) -> None:
    """export and the web's published files both work for such names, and `psephos count`
    of the exported ballots elects who the declaration elected (the issue: export exit 2,
    /published/ 500)."""
    from django.test import Client
    from typer.testing import CliRunner

    from psephos.cli.main import app

    odd = ['Smith, "Al"', 'Carol "CJ" Jones', "Bob"]
    toml = tmp_path / "small.toml"
    toml.write_text(_with_names(*odd), encoding="utf-8")
    roll = write_roll(tmp_path / "roll.csv", [member(i) for i in range(1, 6)])
    assert run_cli(db_url, "init", str(toml)).exit_code == 0
    assert run_cli(db_url, "electorate", "import", "small", str(roll), "--section",
                   "members").exit_code == 0
    out = tmp_path / "credentials.csv"
    assert run_cli(db_url, "credentials", "issue", "small", "--out", str(out)).exit_code == 0
    codes = [row["postal_code"] for row in csv.DictReader(out.open())]
    trustees = ceremony_by_cli(db_url, "small", tmp_path)
    assert run_cli(db_url, "open", "small").exit_code == 0
    from psephos.contests.casting.service import cast_ballot
    from psephos.contests.models import Contest

    contest = Contest.objects.get(slug="small")
    rankings = [[odd[0], odd[2]], [odd[1], odd[0]], [odd[1]], [odd[2], odd[1]], [odd[0]]]
    for code, ranking in zip(codes, rankings, strict=True):
        cast_ballot(contest, code, ranking)
    assert run_cli(db_url, "close", "small").exit_code == 0
    decrypt_by_cli(db_url, "small", trustees, tmp_path)
    counted = run_cli(db_url, "count", "small", "--json")
    assert counted.exit_code == 0, counted.output
    declared = json.loads(counted.stdout)
    done = run_cli(db_url, "export", "small", str(tmp_path / "record"))
    assert done.exit_code == 0, done.output

    page = Client(HTTP_HOST="localhost").get("/contests/small/published/ballots.csv")
    assert page.status_code == 200
    published = tmp_path / "published.csv"
    published.write_bytes(b"".join(page.streaming_content))
    for ballots in (tmp_path / "record" / "ballots.csv", published):
        again = CliRunner().invoke(app, ["count", str(ballots), "--method", "av", "--json"])
        assert again.exit_code == 0, again.output
        recount = json.loads(again.stdout)
        assert recount["candidates"] == declared["candidates"] == odd
        assert recount["elected"] == declared["elected"]


def test_init_refuses_a_look_alike_name_with_exit_status_2(db_url: str, tmp_path: Path) -> None:
    toml = tmp_path / "contest.toml"
    toml.write_text(_with_names("Alice", "Anna\u202eX", "Bob"), encoding="utf-8")
    done = run_cli(db_url, "init", str(toml))
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert (f"{toml}: candidates[1].name: contains U+202E RIGHT-TO-LEFT OVERRIDE"
            in done.stderr)
    assert "no contest 'small'" in run_cli(db_url, "open", "small").stderr
