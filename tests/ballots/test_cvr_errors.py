"""Bad RCTab configs and CVRs raise a `BallotFileError` saying where, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from psephos.ballots.errors import BallotFileError
from psephos.ballots.rctab_config import load_config, read_profile

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
    from psephos.rctab import run_rctab_config

    xlsx = _xlsx(tmp_path, [[1, "A", "B", None]])
    path = _config(tmp_path, _ess(xlsx))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["rules"]["maxSkippedRanksAllowed"] = "-3"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BallotFileError) as err:
        run_rctab_config(path)
    assert err.value.field == "rules.maxSkippedRanksAllowed"
