"""Find the official 2017 count (gerrymulvenna/council17) for a Scottish ward BLT file."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from pathlib import Path

#: scot-elex council prefixes -> council17 election slugs.
COUNCILS = {
    "aberdeen": "aberdeen-city", "argyll_bute": "argyll-and-bute",
    "dumgal": "dumfries-and-galloway", "dundee": "dundee-city", "edinburgh": "city-of-edinburgh",
    "glasgow": "glasgow-city", "orkney": "orkney-islands", "perth_kinross": "perth-and-kinross",
    "sc_borders": "the-scottish-borders", "shetland": "shetland-islands",
}


@dataclass(frozen=True)
class OfficialCount:
    """One ward's declared count: per stage, surname -> total votes."""

    ward: str
    seats: int
    quota: int
    valid: int
    surnames: tuple[str, ...]
    firstnames: tuple[str, ...]
    stages: tuple[dict[int, Decimal], ...]  # stage -> candidate position -> votes
    elected: frozenset[int]


def official_wards(root: Path) -> dict[str, Path]:
    """BLT stem (e.g. ``north_lanarkshire_2017_ward11``) -> its ResultsJson.json."""
    base = root / "official_results_2017_gerrymulvenna" / "2017" / "SCO"
    found: dict[str, Path] = {}
    by_name: dict[str, Path] = {}
    with (base / "wardinfo.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = base / row["election"] / row["map_ward_code"] / "ResultsJson.json"
            found[f"{row['election']}#{int(row['ward_no'])}"] = path
            by_name[f"{row['election']}#{_key(row['ward_name'])}"] = path
    out: dict[str, Path] = {}
    for blt in sorted((root / "blt_files").glob("*/*_2017_ward*.blt")):
        m = re.match(r"(.+)_2017_ward(\d+)$", blt.stem)
        if not m:
            continue
        council = COUNCILS.get(m.group(1), m.group(1).replace("_", "-"))
        key = f"{council}#{int(m.group(2))}"
        # wardinfo.csv numbers two Argyll and Bute wards 0: fall back on the ward name.
        path = found.get(key) or by_name.get(f"{council}#{_key(_title(blt))}")
        if path is not None and path.exists():
            out[blt.stem] = path
    return out


def _title(blt: Path) -> str:
    """The ward name on a scot-elex BLT file's last line, without 'Ward N - '."""
    last = blt.read_text(encoding="utf-8").strip().splitlines()[-1]
    return re.sub(r"^ward\s*\d+\s*-\s*", "", last.strip().strip(",\""), flags=re.IGNORECASE)


def read_official(path: Path) -> OfficialCount:
    data = json.loads(path.read_text(encoding="utf-8"))["Constituency"]
    info = data["countInfo"]
    rows = data["countGroup"]
    ids: list[str] = []
    names: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row["Candidate_Id"] not in names:
            ids.append(row["Candidate_Id"])
            names[row["Candidate_Id"]] = (row["Firstname"], row["Surname"])
    position = {cid: i for i, cid in enumerate(ids)}
    stages: dict[int, dict[int, Decimal]] = {}
    elected: set[int] = set()
    for row in rows:
        stages.setdefault(int(row["Count_Number"]), {})[position[row["Candidate_Id"]]] = Decimal(
            str(row["Total_Votes"]))
        if row["Status"] == "Elected":
            elected.add(position[row["Candidate_Id"]])
    return OfficialCount(
        ward=info["Constituency_Name"], seats=int(info["Number_Of_Seats"]),
        quota=int(info["Quota"]), valid=int(info["Valid_Poll"]),
        surnames=tuple(names[i][1] for i in ids), firstnames=tuple(names[i][0] for i in ids),
        stages=tuple(stages[k] for k in sorted(stages)), elected=frozenset(elected))


def _key(text: str) -> str:
    return re.sub(r"[^a-z ]", "", text.casefold()).strip()


def match_candidates(official: OfficialCount, names: tuple[str, ...]) -> list[int] | None:
    """For each official candidate, the index of the same person in ``names``.

    Greedy on name similarity (the two sources spell a few names differently:
    Allen/ALLAN, Thorn/THOM), refusing a match below 0.6.
    """
    plain = [_key(re.sub(r"\s*\([^()]*\)$", "", n)) for n in names]
    pairs = list(zip(official.firstnames, official.surnames, strict=True))
    scores = sorted(
        ((_similarity(first, surname, p), i, j) for i, (first, surname) in enumerate(pairs)
         for j, p in enumerate(plain)), reverse=True)
    out: dict[int, int] = {}
    taken: set[int] = set()
    for score, i, j in scores:
        if i in out or j in taken or score < 0.6:
            continue
        out[i] = j
        taken.add(j)
    if len(out) != len(pairs):
        return None
    return [out[i] for i in range(len(pairs))]


def _similarity(first: str, surname: str, name: str) -> float:
    """Name likeness; one source swaps first name and surname once, so try both orders."""
    first, surname = _key(first), _key(surname)
    score = max(SequenceMatcher(None, f"{first} {surname}", name).ratio(),
                SequenceMatcher(None, f"{surname} {first}", name).ratio())
    words = name.split()
    if words and surname and words[-1] == surname.replace(" ", "") and first[:1] == name[:1]:
        score += 0.5
    return score


def agrees(ours: Decimal, published: Decimal) -> bool:
    """Equal at the precision the council published.

    Most councils publish 5 dp. Some (Glasgow, Dundee, ...) publish fewer places, rounded
    half up, and Glasgow's export also cut some figures to 6-7 significant digits
    (e.g. 998.5328 for 998.53286): fewer than 5 published places match if our exact value
    rounds or truncates to them.
    """
    places = max(0, -published.as_tuple().exponent)  # type: ignore[operator]
    if places >= 5:
        return ours == published
    unit = Decimal(1).scaleb(-places)
    return published in (ours.quantize(unit, rounding=ROUND_HALF_UP),
                         ours.quantize(unit, rounding=ROUND_DOWN))
