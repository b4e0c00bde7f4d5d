"""Bad RCTab configs and CVRs raise a `BallotFileError` saying where, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from psephos.ballots.errors import BallotFileError
from psephos.rctab.config import load_config
from psephos.rctab.cvr.formats import read_profile

RULES = {"winnerElectionMode": "singleWinnerMajority", "tiebreakMode": "useCandidateOrder",
         "overvoteRule": "exhaustImmediately", "maxRankingsAllowed": "3"}


def _config(tmp_path: Path, source: dict[str, Any], **extra: Any) -> Path:
    data = {"outputSettings": {"contestName": "t"}, "cvrFileSources": [source],
            "candidates": [{"name": "A", "aliases": []}, {"name": "B", "aliases": ["b"]}],
            "rules": RULES, **extra}
    path = tmp_path / "case_config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "1st", "2nd", "3rd"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "cvr.xlsx"
    book.save(path)
    return path


def _ess(path: Path) -> dict[str, Any]:
    return {"provider": "ess", "filePath": path.name, "firstVoteColumnIndex": "2",
            "firstVoteRowIndex": "2", "overvoteLabel": "overvote", "skippedRankLabel": "undervote"}


def test_config_not_json(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{\n  oops", encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        load_config(path)
    assert err.value.line == 2 and "not valid JSON" in str(err.value)


def test_config_missing_section(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"candidates": [], "rules": {}}), encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        load_config(path)
    assert err.value.field == "cvrFileSources"


def test_config_bad_column_index(tmp_path: Path) -> None:
    source = {"provider": "ess", "filePath": "x.xlsx", "firstVoteColumnIndex": "two"}
    with pytest.raises(BallotFileError) as err:
        load_config(_config(tmp_path, source))
    assert err.value.field == "cvrFileSources[0].firstVoteColumnIndex"


def test_bad_rule_value(tmp_path: Path) -> None:
    xlsx = _xlsx(tmp_path, [[1, "A", "B", None]])
    config = load_config(_config(tmp_path, _ess(xlsx)))
    object.__setattr__(config, "rules", {**RULES, "maxRankingsAllowed": "many"})
    with pytest.raises(BallotFileError) as err:
        read_profile(config)
    assert err.value.field == "rules.maxRankingsAllowed"


def test_missing_cvr_file(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, _ess(tmp_path / "absent.xlsx")))
    with pytest.raises(BallotFileError, match="not found"):
        read_profile(config)


def test_unknown_provider(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    config = load_config(_config(tmp_path, {"provider": "abacus", "filePath": "x.txt"}))
    with pytest.raises(BallotFileError) as err:
        read_profile(config)
    assert err.value.field == "cvrFileSources[0].provider"


def test_ess_unknown_candidate_names_row_and_column(tmp_path: Path) -> None:
    xlsx = _xlsx(tmp_path, [[1, "A", "b", None], [2, "B", "Zed", None]])
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(_config(tmp_path, _ess(xlsx))))
    assert err.value.line == 3 and err.value.field == "column C" and "'Zed'" in str(err.value)


def test_ess_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "cvr.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(BallotFileError, match=r"not a readable \.xlsx"):
        read_profile(load_config(_config(tmp_path, _ess(bad))))


def test_ess_reads_codes_skips_and_overvotes(tmp_path: Path) -> None:
    xlsx = _xlsx(tmp_path, [[1, "A", "undervote", "b"], [2, "overvote", "A", None],
                            [3, None, None, None]])
    profile = read_profile(load_config(_config(tmp_path, _ess(xlsx))))
    rows = dict(profile.iter_rankings())
    assert rows == {(0, -2, 1): 1, (-3, 0): 1}
    assert profile.blank == 1 and profile.overvotes == ((),)


def _cdf(tmp_path: Path, rank: object) -> Path:
    report = {
        "Election": [{"@id": "e", "Candidate": [{"@id": "ca", "Name": "A"}],
                      "Contest": [{"@id": "k", "Name": "t", "ContestSelection": [
                          {"@id": "s", "CandidateIds": ["ca"]}]}]}],
        "CVR": [{"CurrentSnapshotId": "x", "CVRSnapshot": [{"@id": "x", "CVRContest": [
            {"ContestId": "k", "CVRContestSelection": [
                {"ContestSelectionId": "s", "SelectionPosition": [
                    {"HasIndication": "yes", "Rank": rank}]}]}]}]}],
    }
    path = tmp_path / "cvr.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_cdf_bad_rank(tmp_path: Path) -> None:
    path = _cdf(tmp_path, "first")
    source = {"provider": "cdf", "filePath": path.name, "contestId": "t"}
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(_config(tmp_path, source)))
    assert err.value.field == "CVR[0].SelectionPosition.Rank"


def test_cdf_unknown_contest(tmp_path: Path) -> None:
    path = _cdf(tmp_path, 1)
    source = {"provider": "cdf", "filePath": path.name, "contestId": "nope"}
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(_config(tmp_path, source)))
    assert err.value.field == "contestId"


def test_cdf_not_json(tmp_path: Path) -> None:
    path = tmp_path / "cvr.json"
    path.write_text("[1,", encoding="utf-8")
    source = {"provider": "cdf", "filePath": path.name, "contestId": "t"}
    with pytest.raises(BallotFileError, match="not valid JSON"):
        read_profile(load_config(_config(tmp_path, source)))


def _read(tmp_path: Path, source: dict[str, Any], **rules: str) -> None:
    path = _config(tmp_path, source)
    config = load_config(path)
    object.__setattr__(config, "rules", {**RULES, **rules})
    read_profile(config)


def test_dominion_bad_json_and_structure(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    source = {"provider": "dominion", "filePath": "export", "contestId": "1"}
    with pytest.raises(BallotFileError, match="no CvrExport"):
        _read(tmp_path, source)
    (folder / "CvrExport_1.json").write_text('{"Sessions": [', encoding="utf-8")
    with pytest.raises(BallotFileError, match="not valid JSON"):
        _read(tmp_path, source)
    session = {"Original": {"IsCurrent": True, "Cards": [{"Contests": "oops"}]}}
    (folder / "CvrExport_1.json").write_text(json.dumps({"Sessions": [session]}),
                                              encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert err.value.field == "Sessions[0].Contests"


def test_dominion_unknown_candidate_id(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    mark = {"CandidateId": 99, "Rank": 1, "IsAmbiguous": False}
    session = {"Original": {"IsCurrent": True,
                            "Cards": [{"Contests": [{"Id": 1, "Marks": [mark]}]}]}}
    (folder / "CvrExport_1.json").write_text(json.dumps({"Sessions": [session]}),
                                              encoding="utf-8")
    with pytest.raises(BallotFileError, match="unknown candidate '99'") as err:
        _read(tmp_path, {"provider": "dominion", "filePath": "export", "contestId": "1"})
    assert err.value.field == "Sessions[0].Marks.CandidateId"


def test_hart_bad_xml_and_value(tmp_path: Path) -> None:
    folder = tmp_path / "hart"
    folder.mkdir()
    source = {"provider": "hart", "filePath": "hart", "contestId": "k"}
    (folder / "a.xml").write_text("<Cvr><Contests>", encoding="utf-8")
    with pytest.raises(BallotFileError, match="not well-formed XML"):
        _read(tmp_path, source)
    (folder / "a.xml").write_text(
        "<Cvr><Contests><Contest><Id>k</Id><Options><Option><Name>A</Name><Id>x</Id>"
        "<Value>1x</Value></Option></Options></Contest></Contests></Cvr>", encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert err.value.field == "Option x.Value"


def test_clear_ballot_bad_cell(tmp_path: Path) -> None:
    header = ("RowNumber,Choice_1_1:t:1:Vote For 1:A:NON,Choice_2_1:t:1:Vote For 1:B:NON\n")
    (tmp_path / "cb.csv").write_text(header + "1,1,0\n2,0,yes\n", encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "t"})
    assert err.value.line == 3 and err.value.field == "Choice_2_1:t:1:Vote For 1:B:NON"


def test_generic_csv_bad_rank(tmp_path: Path) -> None:
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n2,first,\n", encoding="utf-8")
    source = {"provider": "genericCsv", "filePath": "g.csv", "firstVoteColumnIndex": "2"}
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert err.value.line == 3 and err.value.field == "A"
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,4\n", encoding="utf-8")
    with pytest.raises(BallotFileError, match="rank 4 is outside 1 to 3"):
        _read(tmp_path, source)


def test_cdf_xml_not_well_formed(tmp_path: Path) -> None:
    (tmp_path / "cvr.xml").write_text("<CastVoteRecordReport><CVR>", encoding="utf-8")
    with pytest.raises(BallotFileError, match="not well-formed XML"):
        _read(tmp_path, {"provider": "cdf", "filePath": "cvr.xml", "contestId": "t"})


def test_bad_rule_values_are_named(tmp_path: Path) -> None:
    from psephos.rctab.runner import run_rctab_config

    xlsx = _xlsx(tmp_path, [[1, "A", "B", None]])
    path = _config(tmp_path, _ess(xlsx))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rules"]["maxSkippedRanksAllowed"] = "-3"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        run_rctab_config(path)
    assert err.value.field == "rules.maxSkippedRanksAllowed"


# --- regressions from the reader fuzzing: each once crashed with a non-reader exception ------

def _message(err: pytest.ExceptionInfo[BallotFileError], config: Path) -> str:
    """The error text with the case folder taken out."""
    return str(err.value).replace(str(config.parent), "<case>")


def test_clear_ballot_rank_below_one_in_header(tmp_path: Path) -> None:
    # Once an IndexError in BallotSink.add_marks (rank 0 indexed the row from its end).
    for rank in ("0", "-1"):
        header = f'"RowNumber","Choice_1_1:City, Mayor:{rank}:Number of Winners 1:A:NON"\n'
        (tmp_path / "cb.csv").write_text(header + "1,1\n", encoding="utf-8")
        config = _config(tmp_path, {"provider": "clearBallot", "filePath": "cb.csv",
                                    "contestId": "City, Mayor"})
        with pytest.raises(BallotFileError) as err:
            read_profile(load_config(config))
        assert _message(err, config) == (
            f"<case>/cb.csv:1: column 2: expected a rank of 1 or more in header "
            f"'Choice_1_1:City, Mayor:{rank}:Number of Winners 1:A:NON'")


def _dominion(tmp_path: Path, contest: dict[str, Any]) -> Path:
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    session = {"Original": {"IsCurrent": True, "Cards": [{"Contests": [contest]}]}}
    (folder / "CvrExport_1.json").write_text(json.dumps({"Sessions": [session]}),
                                              encoding="utf-8")
    return _config(tmp_path, {"provider": "dominion", "filePath": "export", "contestId": "1"})


def test_dominion_outstack_condition_ids_not_numbers(tmp_path: Path) -> None:
    # Once a TypeError: a list of lists is unhashable.
    config = _dominion(tmp_path, {"Id": 1, "OutstackConditionIds": [[1]], "Marks": []})
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(config))
    assert _message(err, config) == ("<case>/export/CvrExport_1.json: Sessions[0].Contests."
                                     "OutstackConditionIds: expected a list of condition Ids, "
                                     "got [[1]]")


def test_dominion_outstack_condition_ids_still_read(tmp_path: Path) -> None:
    mark = {"CandidateId": "b", "Rank": 1, "IsAmbiguous": False}
    config = _dominion(tmp_path, {"Id": 1, "OutstackConditionIds": [3], "Marks": [mark]})
    profile = read_profile(load_config(config))
    assert dict(profile.iter_rankings()) == {(1,): 1}


def test_cdf_selection_id_not_a_string(tmp_path: Path) -> None:
    # Once a TypeError: a list is unhashable.
    path = _cdf(tmp_path, 1)
    report = json.loads(path.read_text(encoding="utf-8"))
    selection = report["CVR"][0]["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"][0]
    selection["ContestSelectionId"] = ["s1"]
    path.write_text(json.dumps(report), encoding="utf-8")
    config = _config(tmp_path, {"provider": "cdf", "filePath": path.name, "contestId": "t"})
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(config))
    assert _message(err, config) == ("<case>/cvr.json: CVR[0].ContestSelectionId: expected a "
                                     "contest selection id, got ['s1']")


@pytest.mark.parametrize(("file_path", "expected"), [
    ("cvr\u0000.csv", "cvrFileSources[0].filePath: contains a NUL character"),
    ("\ud800", "cvrFileSources[0].filePath: contains a character that is not valid Unicode"),
    (["cvr.csv"], "cvrFileSources[0].filePath: expected a string, got ['cvr.csv']"),
])
def test_config_unusable_file_path(tmp_path: Path, file_path: object, expected: str) -> None:
    # Once a ValueError (NUL) and a UnicodeEncodeError (lone surrogate) from Path.resolve.
    config = _config(tmp_path, {"provider": "genericCsv", "filePath": file_path})
    with pytest.raises(BallotFileError) as err:
        load_config(config)
    assert _message(err, config) == f"<case>/case_config.json: {expected}"


def test_config_without_candidates(tmp_path: Path) -> None:
    # Once a Profile with no candidates at all.
    (tmp_path / "g.csv").write_text("id\n1\n", encoding="utf-8")
    config = _config(tmp_path, {"provider": "genericCsv", "filePath": "g.csv"}, candidates=[])
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(config))
    assert _message(err, config) == ("<case>/case_config.json: candidates: at least one "
                                     "candidate is needed")


def test_config_candidate_name_not_a_string(tmp_path: Path) -> None:
    config = _config(tmp_path, {"provider": "genericCsv", "filePath": "g.csv"},
                     candidates=[{"name": ["A"]}])
    with pytest.raises(BallotFileError) as err:
        load_config(config)
    assert _message(err, config) == ("<case>/case_config.json: candidates[0].name: expected a "
                                     "string, got ['A']")


@pytest.mark.parametrize("value", ["100000000", "1000000000", 10**30, "0", -1])
def test_ess_absurd_max_rankings_refused_at_once(tmp_path: Path, value: object) -> None:
    # "100000000" once took a minute and gigabytes on a three-row workbook; 10**9 ran the
    # machine out of memory.
    xlsx = _xlsx(tmp_path, [[1, "A", "B", None], [2, "B", None, None], [3, None, None, None]])
    config = _config(tmp_path, _ess(xlsx), rules={**RULES, "maxRankingsAllowed": value})
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(config))
    assert _message(err, config) == (
        f'<case>/case_config.json: rules.maxRankingsAllowed: expected "max" or 1 to 1,000,000, '
        f"got {value}")


def test_ess_work_is_bounded_by_the_cells_present(tmp_path: Path) -> None:
    # The largest allowed maximum costs no more than the columns the sheet holds; blanks still
    # count as undeclared write-ins up to the maximum (two stand for any number of them).
    xlsx = _xlsx(tmp_path, [[1, "A", None, "b"], [2, "B", None, None], [3, None, None, None]])
    source = {**_ess(xlsx), "undeclaredWriteInLabel": "UWI",
              "treatBlankAsUndeclaredWriteIn": True}
    config = _config(tmp_path, source, rules={**RULES, "maxRankingsAllowed": "1000000"})
    profile = read_profile(load_config(config))
    assert profile.candidates == ("A", "B", "Undeclared Write-ins")
    assert dict(profile.iter_rankings()) == {(0, 2, 1, 2, 2): 1, (1, 2, 2): 1, (2, 2): 1}
    assert profile.rankings.shape == (3, 5)


def test_marks_at_huge_ranks_are_refused(tmp_path: Path) -> None:
    # Each ballot a single mark at a different rank near the maximum: without a bound the
    # distinct rows would store a million ranks each.
    folder = tmp_path / "export"
    folder.mkdir()
    sessions = [{"Original": {"IsCurrent": True, "Cards": [{"Contests": [{"Id": 1, "Marks": [
        {"CandidateId": "b", "Rank": 1_000_000 - i, "IsAmbiguous": False}]}]}]}}
        for i in range(20)]
    (folder / "CvrExport_1.json").write_text(json.dumps({"Sessions": sessions}),
                                              encoding="utf-8")
    config = _config(tmp_path, {"provider": "dominion", "filePath": "export", "contestId": "1"},
                     rules={**RULES, "maxRankingsAllowed": "1000000"})
    with pytest.raises(BallotFileError) as err:
        read_profile(load_config(config))
    assert _message(err, config) == ("<case>/export: ballots: 17 distinct rankings would store "
                                     "16,999,864 ranks; the CVRs spell out only 17 preferences")


def test_dominion_file_name_with_non_ascii_digits(tmp_path: Path) -> None:
    # Once a ValueError: "²" is a digit to str.isdigit but not to int.
    mark = {"CandidateId": "b", "Rank": 1, "IsAmbiguous": False}
    config = _dominion(tmp_path, {"Id": 1, "Marks": [mark]})
    (tmp_path / "export" / "CvrExport_1.json").rename(tmp_path / "export" / "CvrExport².json")
    assert dict(read_profile(load_config(config)).iter_rankings()) == {(1,): 1}


def test_unlimited_skipped_ranks(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, {"provider": "genericCsv", "filePath": "g.csv"},
                                 rules={**RULES, "maxSkippedRanksAllowed": "unlimited"}))
    assert config.rule_int("maxSkippedRanksAllowed") is None


def test_generic_csv_row_cut_short_is_refused(tmp_path: Path) -> None:
    """Issue #9: a row ending before the last candidate column was counted as a blank ballot."""
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n2,2,1\n3\n4,1,2\n", encoding="utf-8")
    source = {"provider": "genericCsv", "filePath": "g.csv", "firstVoteColumnIndex": "2"}
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert err.value.line == 4 and "cut short" in str(err.value) and "g.csv" in str(err.value)
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n2,1\n", encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert err.value.line == 3


def test_generic_csv_blank_rows_and_rows_without_marks(tmp_path: Path) -> None:
    """A wholly blank row is no ballot; a ballot id with no rank is a blank ballot."""
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n\n,,\n2,,\n3,,\n", encoding="utf-8")
    config = load_config(_config(tmp_path, {"provider": "genericCsv", "filePath": "g.csv",
                                            "firstVoteColumnIndex": "2"}))
    profile = read_profile(config)
    assert (profile.n_ballots, profile.blank) == (1, 2)


def test_clear_ballot_row_cut_short_is_refused(tmp_path: Path) -> None:
    """Issue #9: a Clear Ballot row cut short was read as a ballot with no marks."""
    header = "RowNumber,Choice_1_1:t:1:Vote For 1:A:NON,Choice_2_1:t:1:Vote For 1:B:NON\n"
    (tmp_path / "cb.csv").write_text(header + "1,1,0\n2,0\n3,0,1\n", encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "t"})
    assert err.value.line == 3 and "cut short" in str(err.value) and "cb.csv" in str(err.value)


@pytest.mark.parametrize("quoted", [False, True])
def test_generic_csv_fast_and_csv_module_paths_agree(tmp_path: Path, quoted: bool) -> None:
    """The same ballots read alike whether the file can be split by lines or needs the csv
    module (a quoted field spanning lines); errors name the same line."""
    first = '"a\nb"' if quoted else "x"
    rows = [f"{first},1,2", "2,2,1", "3,1,", "4,,1", "5,1,1", "6,1,2", "7,,"]
    (tmp_path / "g.csv").write_text("id,A,B\n" + "\n".join(rows) + "\n", encoding="utf-8")
    config = load_config(_config(tmp_path, {"provider": "genericCsv", "filePath": "g.csv",
                                            "firstVoteColumnIndex": "2"}))
    profile = read_profile(config)
    assert (profile.n_ballots, profile.blank) == (6, 1)
    assert sorted(profile.weights.tolist()) == [1, 1, 1, 1, 2]
    # A bad cell: the quoted first row spans two physical lines but is one record.
    (tmp_path / "g.csv").write_text("id,A,B\n" + "\n".join([*rows, "8,1,x"]) + "\n",
                                    encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        read_profile(config)
    assert err.value.line == 9 and err.value.field == "B"


def test_generic_csv_rows_of_unequal_width(tmp_path: Path) -> None:
    """Rows with cells past the header still count, and errors still name the first line."""
    source = {"provider": "genericCsv", "filePath": "g.csv", "firstVoteColumnIndex": "2"}
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n2,2,1,note\n3,1,2\n", encoding="utf-8")
    config = load_config(_config(tmp_path, source))
    assert sorted(read_profile(config).weights.tolist()) == [1, 2]
    (tmp_path / "g.csv").write_text("id,A,B\n1,1,2\n2,2,1,note\n3,x,2\n4,x,1\n",
                                    encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        _read(tmp_path, source)
    assert (err.value.line, err.value.field) == (4, "A")


def test_a_config_that_is_a_pipe_is_refused_before_opening(tmp_path: Path) -> None:
    """Before: `psephos count --rctab-config PIPE` blocked forever."""
    import os

    pipe = tmp_path / "case_config.json"
    os.mkfifo(pipe)
    with pytest.raises(BallotFileError, match="this is a named pipe, not a regular file"):
        load_config(pipe)


@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_cvr_that_is_a_pipe_or_device_is_refused(tmp_path: Path, kind: str) -> None:
    """A CVR filePath naming a pipe (before: blocked forever) or /dev/null (before: read as an
    empty file, every ballot missing) is refused, naming the config field."""
    import os

    if kind == "pipe":
        cvr = tmp_path / "cvr.csv"
        os.mkfifo(cvr)
        path = cvr.name
    else:
        path = os.devnull
    source = {"provider": "genericCsv", "filePath": path, "firstVoteColumnIndex": "2",
              "firstVoteRowIndex": "2"}
    config = load_config(_config(tmp_path, source))
    with pytest.raises(BallotFileError, match="not a regular file; expected a CVR file") as err:
        read_profile(config)
    assert err.value.field == "cvrFileSources[0].filePath"
