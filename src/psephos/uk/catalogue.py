"""Which publisher files make up each election, where they come from, and how to know them.

Every file is pinned by the SHA-256 of the publisher's copy we checked our figures against
(../shared/data/uk/raw holds those copies byte for byte), and by the columns its first
line must name, so a browser-challenge page, a wrong download or a later re-issue is
caught before anything is cached.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from psephos.uk.errors import UKDataError

HOCL = "https://researchbriefings.files.parliament.uk/documents"
HOCL_PAGE = "https://commonslibrary.parliament.uk/research-briefings"
GITHUB = "https://raw.githubusercontent.com"
PARLITOOLS = f"{GITHUB}/evanodell/parlitools/004b4ee1a5679ffdf36de7da9b772b1878551284/data-raw"
COLM_TEST = f"{GITHUB}/InductiveStep/colm-test/1c74adc233aa8dc96a6ce94a0bceefe1d4c0e1c1"
EC_PAST = ("https://www.electoralcommission.org.uk/research-reports-and-data/"
           "our-reports-and-data-past-elections-and-referendums")


@dataclass(frozen=True)
class PublisherFile:
    """One file as its publisher issues it."""

    role: str  # what the reader uses it for, e.g. "candidates"
    name: str  # the publisher's file name (also its name in the cache)
    folder: str  # its folder in a mirror laid out like ../shared/data/uk/raw ("" = beside raw/)
    publisher: str
    url: str | None  # direct download; None where no publisher serves the file itself
    page: str  # the page a person can open to find the file
    sha256: str | None  # of the copy our figures were checked against; None: header check only
    format: str  # "csv", "csv-cp1252", "tsv-cp1252", "json" or "xlsx"
    header: tuple[str, ...]  # what the file's first line must hold (or JSON keys, xlsx sheets)
    transcribed: bool = False  # figures transcribed from web pages (mirror or add only)
    required: bool = True  # False: an alternative input (``data get`` does not insist)
    mirror_url: str | None = None  # a public copy of the same bytes, tried if ``url`` fails
    note: str = ""  # what a person must do to get the file by hand, where not obvious

    @property
    def encoding(self) -> str:
        return "cp1252" if self.format.endswith("cp1252") else "utf-8"


@dataclass(frozen=True)
class ElectionEntry:
    """One election in the catalogue."""

    election: str
    title: str
    date: datetime.date
    files: tuple[PublisherFile, ...]

    def file(self, role: str) -> PublisherFile:
        for item in self.files:
            if item.role == role:
                return item
        raise KeyError(role)


_HOC_SNAKE = ("ons_id", "constituency_name", "region_name", "country_name")
_HOC_CANDIDATE = (*_HOC_SNAKE, "party_name", "firstname", "surname", "votes")
_HOC_SEAT = (*_HOC_SNAKE, "electorate", "valid_votes")
_HOC_2024 = ("ONS ID", "Constituency name", "Region name", "Country name")

EC2015_CONSTITUENCY = PublisherFile(
    role="constituencies", name="CONSTITUENCY.csv", folder="electoral_commission",
    publisher="Electoral Commission (GE2015 results, constituency sheet)",
    url=None,
    page=f"{EC_PAST}/2015-uk-general-election-results",
    sha256="b2b6ca4410e725a7a0b97a04eca181d22831dea6798be84cbffc1161def04494",
    format="csv-cp1252",
    header=("PANO", "Constituency Name", "Constituency ID", "Electorate", "Valid Votes"),
    mirror_url=f"{PARLITOOLS}/2015-UK-general-election-data-results-WEB/CONSTITUENCY.csv",
    note="download the Commission's 2015-UK-general-election-data-results-WEB.xlsx and save its "
         "CONSTITUENCY sheet as CSV",
)


def _hocl(briefing: str, role: str, name: str, sha256: str, header: tuple[str, ...], *,
          remote: str | None = None, mirror_url: str | None = None) -> PublisherFile:
    return PublisherFile(
        role=role, name=name, folder="hocl",
        publisher=f"House of Commons Library, {briefing}",
        url=f"{HOCL}/{briefing}/{remote or name}", page=f"{HOCL_PAGE}/{briefing.lower()}/",
        sha256=sha256, format="csv", header=header,
        mirror_url=mirror_url or f"{PARLITOOLS}/hocl-data/{name}")


def _transcribed(role: str, name: str, sha256: str, header: tuple[str, ...]) -> PublisherFile:
    return PublisherFile(
        role=role, name=name, folder="", publisher="psephos shared data (transcribed figures)",
        url=None, page="../shared/data/uk/README.md", sha256=sha256, format="csv",
        header=header, transcribed=True,
        note="this file of transcribed official figures comes with psephos's shared data "
             "folder: pass --mirror with that folder (../shared/data/uk or its raw/)")


#: The Electoral Commission's Scottish Parliament results sheets as psephos reads them (one
#: row per constituency candidate / per regional list), in the Commission's column style.
EC_SP_CONSTITUENCY_HEADER = ("Constituency Name", "Region Name", "Forename", "Surname",
                             "Party Name", "Votes")
EC_SP_REGIONAL_HEADER = ("Region Name", "Party Name", "Votes")

ELECTIONS: dict[str, ElectionEntry] = {e.election: e for e in (
    ElectionEntry("ge2010", "UK general election, 6 May 2010", datetime.date(2010, 5, 6), (
        PublisherFile(
            role="flatfile", name="GE2010-results-flatfile-website.txt",
            folder="electoral_commission",
            publisher="Electoral Commission (GE2010 results flat file)",
            url=None,
            page=f"{EC_PAST}/2010-uk-general-election-results",
            sha256="fc0db13b99d0806499257c305252aef2306ba38b3b558a363fe1c8ecfa2d728e",
            format="tsv-cp1252",
            header=("Press Association Reference", "Constituency Name", "Electorate", "Votes"),
            mirror_url=f"{GITHUB}/susjoh/election/26d6ca25ae78c61caec6ee715fb2e6e6b6100252/"
                       "GE2010-results-flatfile-website.txt",
            note="download the Commission's GE2010-results-flatfile-website.xls and save it as "
                 "tab-separated text",
        ),
        EC2015_CONSTITUENCY,
    )),
    ElectionEntry("ge2015", "UK general election, 7 May 2015", datetime.date(2015, 5, 7), (
        _hocl("CBP-7186", "candidates", "hoc-ge2015-results-full.csv",
              "2a1618b6c0bbccd390918b40f07d615106ddd4c6a466851b586db85c48c8f73f",
              _HOC_CANDIDATE, remote="hocl-ge2015-results-full.csv"),
        EC2015_CONSTITUENCY,
    )),
    ElectionEntry("ge2017", "UK general election, 8 June 2017", datetime.date(2017, 6, 8), (
        _hocl("CBP-7979", "candidates", "HoC-GE2017-results-by-candidate.csv",
              "a84e7cd98180b8c47910a7c3b08aac41fc6c618e773d027429e71b30888d2b33",
              _HOC_CANDIDATE),
        _hocl("CBP-7979", "constituencies", "HoC-GE2017-constituency-results.csv",
              "e41c1281aa2eed011f75022d6b386a3687c4920f0c8f0c9d3c3847836a35f241", _HOC_SEAT),
    )),
    ElectionEntry("ge2019", "UK general election, 12 December 2019",
                  datetime.date(2019, 12, 12), (
        _hocl("CBP-8749", "candidates", "HoC-GE2019-results-by-candidate.csv",
              "5d2fcff442077344a0bdd3e85eafa801186b74da474f228dead7caae95283284",
              _HOC_CANDIDATE),
        _hocl("CBP-8749", "constituencies", "HoC-GE2019-results-by-constituency-csv.csv",
              "2839c297df7e680c2c3e4faad88bdfdb372e67c66538425c4d738dc2096dc340", _HOC_SEAT),
    )),
    ElectionEntry("ge2024", "UK general election, 4 July 2024", datetime.date(2024, 7, 4), (
        _hocl("CBP-10009", "candidates", "HoC-GE2024-results-by-candidate.csv",
              "2e06832dbeb5ddbea940ea841211c608950ab9d4819379d5669b6cd583182dc7",
              (*_HOC_2024, "Party name", "Candidate first name", "Candidate surname", "Votes"),
              mirror_url=f"{COLM_TEST}/HoC-GE2024-results-by-candidate.csv"),
        _hocl("CBP-10009", "constituencies", "HoC-GE2024-results-by-constituency.csv",
              "041e5e52442391d29b38b6d830e7f4a192a098fc1d2824a33243cd0817fc1546",
              (*_HOC_2024, "Electorate", "Valid votes"),
              mirror_url=f"{COLM_TEST}/HoC-GE2024-results-by-constituency.csv"),
    )),
    ElectionEntry("sp2016", "Scottish Parliament election, 5 May 2016",
                  datetime.date(2016, 5, 5), (
        PublisherFile(
            role="feed", name="scotland2.json", folder="guardian_scotland2016",
            publisher="The Guardian election-night results feed (declared results, 6 May 2016)",
            url=f"{GITHUB}/guardian/interactive-scotland-election-map/"
                "69ea589518f31b975774e1abe1ee1ff9dc6dffda/src/assets/data/scotland2.json",
            page="https://github.com/guardian/interactive-scotland-election-map",
            sha256="22ae482f7dc6e9550859476f7d4f23992168e4d466155b36f8eb4d767f650595",
            format="json", header=("FirstPastThePostResult", "TopUpResult"),
        ),
        _transcribed("list_votes", "holyrood2016_regional_list_votes.csv",
                     "99a5ab687770afdee636af06700420d1da61a55494fe11f52fb3795c3e3e4327",
                     ("election", "region", "region_id", "party_name", "party_code", "votes")),
        _transcribed("seats", "holyrood2016_seats_by_region.csv",
                     "9117b2f253a7ed2c3a8c7731fbfa3b8e5b8ef512b2ea98b9e79bd514f4f62d92",
                     ("election", "region", "party_code", "constituency_seats", "list_seats")),
        PublisherFile(
            role="ec_constituency", name="sp2016-ec-constituency-results.csv",
            folder="electoral_commission",
            publisher="Electoral Commission (Scottish Parliament 2016 results, constituency "
                      "sheet)",
            url=None, page=f"{EC_PAST}/results-and-turnout-2016-scottish-parliament-election",
            sha256=None, format="csv", header=EC_SP_CONSTITUENCY_HEADER, required=False,
            note="download the Commission's results workbook and save its constituency sheet "
                 "as CSV (UTF-8)",
        ),
        PublisherFile(
            role="ec_regional", name="sp2016-ec-regional-results.csv",
            folder="electoral_commission",
            publisher="Electoral Commission (Scottish Parliament 2016 results, regional sheet)",
            url=None, page=f"{EC_PAST}/results-and-turnout-2016-scottish-parliament-election",
            sha256=None, format="csv", header=EC_SP_REGIONAL_HEADER, required=False,
            note="download the Commission's results workbook and save its regional list sheet "
                 "as CSV (UTF-8)",
        ),
    )),
    ElectionEntry("lm2016", "Mayor of London election, 5 May 2016",
                  datetime.date(2016, 5, 5), (
        PublisherFile(
            role="wards", name="gla-2016-results-by-ward.xlsx", folder="london_elects",
            publisher="London Elects / Greater London Authority (2016 GLA results by ward)",
            url=None,
            page="https://data.london.gov.uk/dataset/"
                 "london-elections-results-2016-wards-boroughs-constituency",
            sha256="2a74c767f990dd3f3c13f85587bf13f5abe96a85e2977b4ceb9ec37edeb48cae",
            format="xlsx", header=("Keys", "Bexley & Bromley", "West Central"),
            mirror_url=f"{GITHUB}/russss/london-elections-2016/"
                       "e55a587250adddd423682cbae3c4c29e109fff28/results.xlsx",
            note="download the ward-level results workbook (.xlsx) from the London Datastore",
        ),
        _transcribed("result", "london_mayor2016.csv",
                     "3ebc5a6b4ce8c7c2b4dcb42a20c6953b3426c233beec4643c7139a695ae2729d",
                     ("election", "candidate", "first_preferences", "second_preferences_added")),
    )),
    ElectionEntry("la2016", "London Assembly election, 5 May 2016",
                  datetime.date(2016, 5, 5), (
        PublisherFile(
            role="constituencies", name="london_assembly2016_constituency_votes.csv", folder="",
            publisher="London Elects 2016 ward workbook, summed per constituency in psephos "
                      "shared data",
            url=None, page="../shared/data/uk/README.md",
            sha256="47cca831a35d992cdf2d6963b33f1f6679075e580556f609d90717a6fefa9a45",
            format="csv", header=("constituency", "candidate", "party_name", "party_code",
                                  "votes"),
            transcribed=True,
            note="this table comes with psephos's shared data folder: pass --mirror with that "
                 "folder (../shared/data/uk or its raw/)",
        ),
        PublisherFile(
            role="list_votes", name="london_assembly2016_list_votes.csv", folder="",
            publisher="London Elects 2016 ward workbook, London-wide list votes summed in "
                      "psephos shared data",
            url=None, page="../shared/data/uk/README.md",
            sha256="c4277dfc4c967f92ee460d75b0a7a4ae05fba7d5ad30e5d9441731de88a5e822",
            format="csv", header=("party_name", "party_code", "votes"), transcribed=True,
            note="this table comes with psephos's shared data folder: pass --mirror with that "
                 "folder (../shared/data/uk or its raw/)",
        ),
    )),
)}

GENERAL_ELECTIONS: tuple[str, ...] = ("ge2010", "ge2015", "ge2017", "ge2019", "ge2024")

#: The constituency boundaries each general election was fought on (the review that drew them).
BOUNDARY_SETS: dict[str, str] = {
    "ge2010": "2010-review",
    "ge2015": "2010-review",
    "ge2017": "2010-review",
    "ge2019": "2010-review",
    "ge2024": "2023-review",
}


def previous_on_same_boundaries(election: str) -> str | None:
    """The general election before ``election`` on the same seats, whose winners a seat's
    "gain" or "hold" is measured against; None for the first on new boundaries."""
    if election not in GENERAL_ELECTIONS:
        return None
    before = GENERAL_ELECTIONS[:GENERAL_ELECTIONS.index(election)]
    if before and BOUNDARY_SETS[before[-1]] == BOUNDARY_SETS[election]:
        return before[-1]
    return None


def entry(election: str) -> ElectionEntry:
    """The catalogue entry for ``election``, or an error listing the valid names."""
    try:
        return ELECTIONS[election]
    except KeyError:
        raise UKDataError(f"unknown election {election!r}; choose one of "
                          f"{', '.join(ELECTIONS)}") from None
