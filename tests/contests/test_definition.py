"""Contest definitions: the example loads; every mistake names its key; nothing half-made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contests.helpers import EXAMPLE, SMALL


def test_example_loads_as_labour_2016(db: str) -> None:
    from psephos.contests.definition import load_definition

    defn = load_definition(EXAMPLE)
    assert defn.slug == "labour-2016" and defn.method == "av" and defn.seats == 1
    assert [s.slug for s in defn.sections] == ["members", "registered-supporters",
                                              "affiliated-supporters"]
    assert [c.name for c in defn.candidates] == ["Jeremy Corbyn", "Owen Smith"]
    assert defn.incumbent_bypass and defn.require == (("plp",),)
    assert len(defn.nominations) == 90
    assert any(e.kind == "debate" and "Glasgow" in e.title for e in defn.timetable)


def test_packaged_demo_definition_is_the_example(db: str) -> None:
    from psephos.contests.demo import definition_text

    assert definition_text() == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "expected"), [
    (('method = "av"', 'method = "borda"'),
     "contest.method: 'borda' is not one of plurality, av, sv"),
    (('slug = "small"', 'slug = "Small Ballot"'), "contest.slug: 'Small Ballot': use lower-case"),
    (("freeze_date = 2016-01-12", 'freeze_date = "12/01/2016"'),
     "contest.freeze_date: expected a date such as 2016-01-12"),
    (('name = "Small ballot"', 'name = "Small ballot"\ncolour = "red"'),
     "contest.colour: unknown key; expected one of slug, name"),
    (("fee_window = [2016-07-18, 2016-07-20]", "fee_window = [2016-07-20, 2016-07-18]"),
     "sections[1].fee_window: expected [first day, last day]"),
    (('name = "Bob"', 'name = "Alice"'), "candidates[1].name: 'Alice' appears twice"),
    (("arrears = true", 'arrears = "yes"'), "sections[0].arrears: expected true or false"),
    (('method = "av"', 'method = "av"\nseats = 0'), "contest.seats: expected a whole number"),
    (("[contest]", "[contest\n"), "not valid TOML"),
])
def test_mistakes_name_the_key(db: str, tmp_path: Path, change: tuple[str, str],
                               expected: str) -> None:
    from psephos.contests.definition import load_definition
    from psephos.contests.errors import DefinitionError

    path = tmp_path / "bad.toml"
    path.write_text(SMALL.replace(*change, 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        load_definition(path)
    assert expected in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_unknown_body_in_the_rule(db: str, tmp_path: Path) -> None:
    from psephos.contests.definition import load_definition
    from psephos.contests.errors import DefinitionError

    path = tmp_path / "bad.toml"
    path.write_text(SMALL + '\n[nominations]\nrequire = [["plp"]]\n', encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"nominations.require: 'plp' is not a nominating"):
        load_definition(path)


def test_missing_file_and_no_sections(db: str, tmp_path: Path) -> None:
    from psephos.contests.definition import load_definition
    from psephos.contests.errors import DefinitionError

    with pytest.raises(DefinitionError, match="no such file"):
        load_definition(tmp_path / "absent.toml")
    path = tmp_path / "bare.toml"
    path.write_text('[contest]\nslug = "x"\nname = "X"\n', encoding="utf-8")
    with pytest.raises(DefinitionError, match="sections: at least one"):
        load_definition(path)


def test_create_twice_is_refused_and_leaves_one(db: str, tmp_path: Path) -> None:
    from psephos.contests.definition import create_contest, load_definition
    from psephos.contests.errors import ContestError
    from psephos.contests.models import Candidate, Contest, Nomination, TimetableEvent

    defn = load_definition(EXAMPLE)
    contest = create_contest(defn)
    assert contest.sections.count() == 3 and contest.events.count() == 14
    with pytest.raises(ContestError, match="already exists"):
        create_contest(defn)
    assert Contest.objects.count() == 1
    assert Candidate.objects.count() == 2 and Nomination.objects.count() == 90
    assert TimetableEvent.objects.count() == 14
