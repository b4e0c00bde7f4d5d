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
    format: str  # "csv", "csv-cp1252", "tsv-cp1252", "json" (records), "json-object",
    #                "xlsx", "js" or "pdf"
    header: tuple[str, ...]  # what the file's first line must hold (or JSON keys, xlsx sheets)
    transcribed: bool = False  # figures transcribed from web pages (mirror or add only)
    required: bool = True  # False: an alternative input (``data get`` does not insist)
    mirror_url: str | None = None  # a public copy of the same bytes, tried if ``url`` fails
    note: str = ""  # what a person must do to get the file by hand, where not obvious
    source: str = ""  # the copy's origin, "owner/repo @ commit : path", if not the publisher
    licence: str = ""  # the licence the file is published under, where one is stated

    @property
    def origin(self) -> str:
        """The source and licence as `psephos data list` shows them."""
        text = self.source or self.publisher
        return f"{text} ({self.licence})" if self.licence else text

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

# --- Notional results: an election re-counted on boundaries it was not fought on ---------
NOTIONALS_REPO = "ralphascott/UKGE24_wpc_census_summaries"
NOTIONALS_COMMIT = "d37264281d7ffa9eff6a86a01008c15e331022cc"
NOTIONALS_MIRROR = f"{GITHUB}/{NOTIONALS_REPO}/{NOTIONALS_COMMIT}/data"
#: The BBC's distribution of Rallings & Thrasher's notional 2019 results (an .ods workbook).
BBC_NOTIONALS = ("https://downloads.bbc.co.uk/news/nol/shared/spl/xls_spreadsheets/"
                 "results_spreadsheet.ods")
#: The columns of the notional spreadsheet that `psephos.uk.notionals` reads.
NOTIONALS_HEADER = ("ONS code", "PANO", "Boundary Comm name", "country_name", "region_name",
                    "electorate", "Conv", "Labv", "LDv", "TotOthv", "total_votes", "Win19")

GE2019_NOTIONAL = ElectionEntry(
    "ge2019-notional",
    "UK general election, 12 December 2019, notional results on the 2024 boundaries",
    datetime.date(2019, 12, 12), (
        PublisherFile(
            role="notionals", name="results_spreadsheet_for_distribution.csv",
            folder="notionals_ge2019_on_2024",
            publisher="Rallings & Thrasher, notional 2019 results on the 2024 boundaries "
                      "(the BBC's results spreadsheet, as CSV)",
            url=None, page=BBC_NOTIONALS,
            sha256="3b6ac9d72b441323281ab6b75c8cfb2557b4f569fcd0052d3d857a89aa56107e",
            format="csv", header=NOTIONALS_HEADER,
            mirror_url=f"{NOTIONALS_MIRROR}/results_spreadsheet_for_distribution.csv",
            note="download the BBC's results_spreadsheet.ods and save its sheet as CSV (UTF-8)",
            source=f"{NOTIONALS_REPO} @ {NOTIONALS_COMMIT[:8]} : "
                   "data/results_spreadsheet_for_distribution.csv",
            licence="none stated by the spreadsheet; the mirroring repository is CC BY-SA 4.0",
        ),
        PublisherFile(
            role="gb_codes", name="clean_notionals.csv", folder="notionals_ge2019_on_2024",
            publisher="UKGE24 constituency summaries v1.1 (Ralph Scott): the same notionals "
                      "for Great Britain, 5 Scottish ONS codes corrected",
            url=None, page=f"https://github.com/{NOTIONALS_REPO}",
            sha256="749251d9b703f181526f422b6cf2cf715a674792e432b3e816fe36c347d0ce47",
            format="csv", header=("pano", "ONSConstID", "ConstituencyName", "TotalVote19"),
            mirror_url=f"{NOTIONALS_MIRROR}/clean_notionals.csv",
            note="download data/clean_notionals.csv from the repository",
            source=f"{NOTIONALS_REPO} @ {NOTIONALS_COMMIT[:8]} : data/clean_notionals.csv",
            licence="CC BY-SA 4.0 (the repository's LICENSE.txt)",
        ),
    ))
# --- end of notional results ---------------------------------------------------------------

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
    GE2019_NOTIONAL,
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
    ElectionEntry("sp2016-feed", "Scottish Parliament election, 5 May 2016 (election-night "
                  "feed and transcribed tables: 5 of 8 regions)",
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

# --- Scottish Parliament 2016, 2021, 2026: principalfish's results files ------------------
# Every constituency and region of each election in one JSON file (psephos.uk.principalfish).
# sp2016 reads the Electoral Commission's sheets instead when both are added (data add).

PRINCIPALFISH = "principalfish/principalfish.github.io"
PRINCIPALFISH_LICENCE = "MIT, Copyright (c) 2017 Philip"
PRINCIPALFISH_COMMITS = {
    "2016": "53e8021130e3e763795b4806f8429df8b9b4f9d1",
    "2021": "53e8021130e3e763795b4806f8429df8b9b4f9d1",
    "2026": "0b72ff8886c6d8fca1a6dabf85975f26b3e92fc4",
}


def _principalfish(year: str, sha256: str) -> PublisherFile:
    path = f"electionmaps/data/results/holyrood-general-{year}.json"
    return PublisherFile(
        role="results", name=f"holyrood-general-{year}.json", folder="principalfish_holyrood",
        publisher=f"principalfish election maps (Scottish Parliament {year}, every "
                  "constituency and regional list)",
        url=f"https://principalfish.github.io/{path}",
        page=f"https://github.com/{PRINCIPALFISH}/blob/{PRINCIPALFISH_COMMITS[year]}/{path}",
        sha256=sha256, format="json-object", header=("schema", "seats"),
        mirror_url=f"{GITHUB}/{PRINCIPALFISH}/{PRINCIPALFISH_COMMITS[year]}/{path}",
        source=f"{PRINCIPALFISH} @ {PRINCIPALFISH_COMMITS[year][:8]} : {path}",
        licence=PRINCIPALFISH_LICENCE,
        note="save its raw file (the site's current copy may differ from this one)",
    )


#: The Scottish Parliament elections `psephos results` counts region by region.
SCOTTISH_PARLIAMENT: tuple[str, ...] = ("sp2016", "sp2016-feed", "sp2021", "sp2026")

ELECTIONS.update({e.election: e for e in (
    ElectionEntry("sp2016", "Scottish Parliament election, 5 May 2016",
                  datetime.date(2016, 5, 5), (
        _principalfish("2016", "51bba7c34a6135dbfdf1abb479039bbf4907503fb3c71a267fa942b4da787685"),
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
    ElectionEntry("sp2021", "Scottish Parliament election, 6 May 2021",
                  datetime.date(2021, 5, 6), (
        _principalfish("2021", "0bc728c241e559192e06d7053caef1c64bb7bac6866eef85a1efa4ed118fb1cd"),
    )),
    ElectionEntry("sp2026", "Scottish Parliament election, 7 May 2026 (unverified figures)",
                  datetime.date(2026, 5, 7), (
        _principalfish("2026", "042458ff5b831484af8f146656f9029d3950056537f0e98a9e9696fd16592340"),
    )),
)})
# --- end of the Scottish Parliament block ---------------------------------------------------

# --- Senedd 2026 and London 2021 (Mayor and Assembly) -------------------------------------

SENEDD_SIM = "jaclarner/senedd_etholiad_sim"
SENEDD_SIM_COMMIT = "83bec41b0846fb639f4d5d963bfa3cd765914c48"
LONDONELECT = "mattkerlogue/londonelect2021"
LONDONELECT_COMMIT = "07275961e0fcc57148901ba8069992f191187126"
LONDON_ELECTS_2021 = "https://www.londonelects.org.uk/im-voter/election-results/results-2021"
_LONDON_LICENCE = ("official London Elects / Greater London Authority publication; the "
                   "mirror repository is MIT-licensed")

SENEDD2026 = ElectionEntry("senedd2026", "Senedd election, 7 May 2026",
                           datetime.date(2026, 5, 7), (
    PublisherFile(
        role="results", name="seneddResults2026.js", folder="senedd2026",
        publisher="Senedd 2026 results by constituency (vote shares to 2 dp, seats, valid and "
                  "rejected votes), as compiled in an election simulator's data file",
        url=f"{GITHUB}/{SENEDD_SIM}/{SENEDD_SIM_COMMIT}/src/data/seneddResults2026.js",
        page=f"https://github.com/{SENEDD_SIM}",
        sha256="7599f7e95b47eb6edda589c229d1ace47699b9b85e790438a259fd6d1448cc37",
        format="js",
        header=("seneddBaseline", "actualSeats2026", "seneddValidVotes", "seneddInvalidVotes"),
        source=f"{SENEDD_SIM} @ {SENEDD_SIM_COMMIT[:8]} : src/data/seneddResults2026.js",
        licence="none stated (public results); not checked against an official source",
    ),
))


def _london2021_pdf(role: str, name: str, sha256: str, what: str) -> PublisherFile:
    return PublisherFile(
        role=role, name=name, folder="london_elects_2021/pdfs",
        publisher=f"London Elects (GLA elections 6 May 2021, {what})",
        url=None, page=LONDON_ELECTS_2021, sha256=sha256, format="pdf", header=(),
        mirror_url=f"{GITHUB}/{LONDONELECT}/{LONDONELECT_COMMIT}/pdfs/{name}",
        source=f"{LONDONELECT} @ {LONDONELECT_COMMIT[:8]} : pdfs/{name}",
        licence=_LONDON_LICENCE,
        note="download the declaration PDF from London Elects' results page")


def _london2021_table(role: str, name: str, sha256: str, header: tuple[str, ...],
                      pdfs: str) -> PublisherFile:
    return PublisherFile(
        role=role, name=name, folder="london_elects_2021/extracted",
        publisher="psephos shared data (a table extracted from London Elects' 2021 "
                  "declaration PDFs)",
        url=None, page="../shared/data/uk/README.md", sha256=sha256, format="csv",
        header=header, transcribed=True,
        source=f"{LONDONELECT} @ {LONDONELECT_COMMIT[:8]} : pdfs/{pdfs} (tables read with "
               "pdfplumber)",
        licence=_LONDON_LICENCE,
        note="this table, read from London Elects' PDFs, comes with psephos's shared data "
             "folder: pass --mirror with that folder (../shared/data/uk or its raw/)")


LM2021 = ElectionEntry("lm2021", "Mayor of London and London Assembly elections, 6 May 2021",
                       datetime.date(2021, 5, 6), (
    _london2021_table("mayor_matrix", "mayor2021_first_by_second_matrix.csv",
                      "a2615b68c795283da5456e8e799c279e3c3c913d9fe5422676c99be4bb22812a",
                      ("first_choice_no", "first_choice_candidate", "second_choice_KHAN"),
                      "Mayoral_Final_Results_2021.pdf"),
    _london2021_table("mayor_preferences", "mayor2021_preferences.csv",
                      "c4807174f460fdba0e3a8e8b1afa6c772422f08c4ebbd2ae892b26f3666ee5b1",
                      ("area", "candidate_and_party", "first_preferences",
                       "second_preferences"),
                      "Mayoral_Final_Results_2021.pdf and the 14 constituency PDFs"),
    _london2021_table("assembly_constituencies", "assembly2021_constituency_candidates.csv",
                      "57cfc65a71411e55e64d017873e840838cabbd5a5294b3e1037d8879b7730659",
                      ("constituency", "candidate_and_party", "votes"),
                      "the 14 constituency PDFs"),
    _london2021_table("assembly_list", "assembly2021_list_votes.csv",
                      "daebebac401d62cb671e284667ea86a9b1abcced47a4ce6ecec083ced8e9606c",
                      ("area", "party", "votes"),
                      "London_Assembly_Final_Results_2021.pdf and the 14 constituency PDFs"),
    _london2021_table("constituency_totals", "constituency_meta.csv",
                      "a7e687ec29c6e5ea317ded2f0ed800a2049553cafd7615def330688241289391",
                      ("constituency", "electorate", "assembly_good_votes", "list_good_votes",
                       "mayor_good_first"),
                      "the 14 constituency PDFs"),
    _london2021_pdf("mayor_declaration", "Mayoral_Final_Results_2021.pdf",
                    "399f91a91e61a29549b24b6e7f037f64ce68c84865ce8e1fe6537a356a40c753",
                    "Mayor of London declaration"),
    _london2021_pdf("assembly_declaration", "London_Assembly_Final_Results_2021.pdf",
                    "d9e589e5932d4063baf5ddc9d5f0193502b03434285a52aa87f1b8b99022851b",
                    "London Assembly declaration"),
))

ELECTIONS.update((e.election, e) for e in (SENEDD2026, LM2021))
# --- end of Senedd 2026 and London 2021 ----------------------------------------------------

GENERAL_ELECTIONS: tuple[str, ...] = ("ge2010", "ge2015", "ge2017", "ge2019", "ge2019-notional",
                                      "ge2024")

#: The constituency boundaries each general election was fought on (the review that drew them).
BOUNDARY_SETS: dict[str, str] = {
    "ge2010": "2010-review",
    "ge2015": "2010-review",
    "ge2017": "2010-review",
    "ge2019": "2010-review",
    "ge2019-notional": "2023-review",  # the 2019 votes re-counted on the 2024 seats
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
