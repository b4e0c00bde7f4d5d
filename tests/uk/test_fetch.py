"""Fetching into the cache: mirrors, downloads (stubbed: no network in tests), `data add`."""

from __future__ import annotations

import io
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from psephos.uk import FetchError, add_file, get_election
from psephos.uk.catalogue import ELECTIONS
from psephos.uk.fetch import problem, sha256, status
from tests.uk.conftest import FIXTURES

GE2019 = ELECTIONS["ge2019"]


class Stub:
    """An opener serving fixed bodies by URL (and recording what was asked)."""

    def __init__(self, bodies: dict[str, bytes | Exception]) -> None:
        self.bodies = bodies
        self.asked: list[str] = []

    def __call__(self, request: urllib.request.Request) -> io.BytesIO:
        self.asked.append(request.full_url)
        body = self.bodies.get(request.full_url, urllib.error.URLError("no network in tests"))
        if isinstance(body, Exception):
            raise body
        return io.BytesIO(body)


def test_catalogue_checksums_are_those_of_the_raw_files(raw: Path) -> None:
    """Every pinned SHA-256 is that of the copy in ../shared/data/uk (raw/ or beside it)."""
    for election in ELECTIONS.values():
        for item in election.files:
            if item.sha256 is None:
                continue
            path = (raw / item.folder / item.name) if item.folder else raw.parent / item.name
            assert sha256(path.read_bytes()) == item.sha256, item.name


def test_get_from_a_raw_layout_mirror(raw: Path, cache: Path) -> None:
    fetched = get_election("ge2019", mirror=raw, cache_dir=cache)
    assert [f.action for f in fetched] == ["copied", "copied"]
    for f in fetched:
        assert f.path.parent == cache
        assert f.path.read_bytes() == (raw / "hocl" / f.item.name).read_bytes()
    again = get_election("ge2019", mirror=raw, cache_dir=cache)
    assert [f.action for f in again] == ["already cached", "already cached"]
    assert not list(cache.glob(".*"))  # no temporary files left behind


def test_get_from_a_flat_mirror_and_transcribed_files(raw: Path, cache: Path,
                                                      tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    for item in ELECTIONS["lm2016"].files:
        source = raw / item.folder / item.name if item.folder else raw.parent / item.name
        shutil.copy(source, flat / item.name)
    fetched = get_election("lm2016", mirror=flat, cache_dir=cache)
    assert {f.item.name for f in fetched} == {"gla-2016-results-by-ward.xlsx",
                                              "london_mayor2016.csv"}
    transcribed = get_election("sp2016-feed", mirror=raw, cache_dir=cache)  # raw/.. for those
    assert {f.item.name for f in transcribed} == {"scotland2.json",
                                                  "holyrood2016_regional_list_votes.csv",
                                                  "holyrood2016_seats_by_region.csv"}


def test_environment_variables(raw: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSEPHOS_MIRROR", str(raw))
    monkeypatch.setenv("PSEPHOS_CACHE", str(tmp_path / "env-cache"))
    fetched = get_election("ge2017")
    assert all(f.path.parent == tmp_path / "env-cache" for f in fetched)


def test_download_verifies_and_caches(raw: Path, cache: Path) -> None:
    bodies: dict[str, bytes | Exception] = {
        item.url: (raw / "hocl" / item.name).read_bytes() for item in GE2019.files if item.url}
    stub = Stub(bodies)
    fetched = get_election("ge2019", cache_dir=cache, opener=stub)
    assert [f.action for f in fetched] == ["downloaded", "downloaded"]
    assert all(url.startswith("https://researchbriefings.files.parliament.uk/documents/"
                              "CBP-8749/") for url in stub.asked)


def test_challenge_page_is_detected_and_explained(raw: Path, cache: Path) -> None:
    """The parliament host's browser check (an HTML page) is refused; the message says to
    open the URL in a browser and run `psephos data add FILE`; nothing is cached."""
    page = (FIXTURES / "challenge.html").read_bytes()
    stub = Stub({item.url: page for item in GE2019.files if item.url})
    with pytest.raises(FetchError) as caught:
        get_election("ge2019", cache_dir=cache, opener=stub)
    message = str(caught.value)
    assert "web page (HTML)" in message
    assert "https://researchbriefings.files.parliament.uk/documents/CBP-8749/" \
           "HoC-GE2019-results-by-candidate.csv in a web browser" in message
    assert "psephos data add FILE" in message
    assert not cache.exists() or not any(cache.iterdir())
    # the public copy was tried as well (and failed here: no network in tests)
    assert any("raw.githubusercontent.com" in url for url in stub.asked)


def test_mirror_copy_is_used_when_the_publisher_fails(raw: Path, cache: Path) -> None:
    bodies: dict[str, bytes | Exception] = {}
    for item in GE2019.files:
        assert item.url and item.mirror_url
        bodies[item.url] = urllib.error.HTTPError(item.url, 403, "Forbidden", {}, None)  # type: ignore[arg-type]
        bodies[item.mirror_url] = (raw / "hocl" / item.name).read_bytes()
    fetched = get_election("ge2019", cache_dir=cache, opener=Stub(bodies))
    assert [f.source for f in fetched] == [i.mirror_url for i in GE2019.files]


def test_wrong_checksum_is_refused(raw: Path, cache: Path, tmp_path: Path) -> None:
    data = (raw / "hocl" / "HoC-GE2019-results-by-candidate.csv").read_bytes()
    changed = tmp_path / "hocl" / "HoC-GE2019-results-by-candidate.csv"
    changed.parent.mkdir()
    changed.write_bytes(data.replace(b"Kinnock", b"Kinnoch", 1))
    shutil.copy(raw / "hocl" / "HoC-GE2019-results-by-constituency-csv.csv", changed.parent)
    with pytest.raises(FetchError, match="SHA-256") as caught:
        get_election("ge2019", mirror=tmp_path, cache_dir=cache)
    assert "--any-checksum" in str(caught.value)
    assert not (cache / changed.name).exists()
    assert (cache / "HoC-GE2019-results-by-constituency-csv.csv").exists()  # the good one


def test_wrong_header_is_refused(raw: Path) -> None:
    item = GE2019.file("candidates")
    other = (raw / "hocl" / "HoC-GE2019-results-by-constituency-csv.csv").read_bytes()
    assert "lacks the column(s) 'party_name'" in (problem(item, other) or "")


def test_missing_from_mirror(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not in the mirror"):
        get_election("ge2024", mirror=tmp_path, cache_dir=cache)


def test_no_download_url_explains_the_manual_route(cache: Path) -> None:
    stub = Stub({})
    with pytest.raises(FetchError) as caught:
        get_election("ge2010", cache_dir=cache, opener=stub)
    assert "GE2010-results-flatfile-website.xls" in str(caught.value)


def test_add_identifies_by_checksum_then_header(raw: Path, cache: Path,
                                                tmp_path: Path) -> None:
    renamed = tmp_path / "download (1).csv"
    shutil.copy(raw / "hocl" / "HoC-GE2024-results-by-candidate.csv", renamed)
    added = add_file(renamed, cache_dir=cache)
    assert (added.item.name, added.action) == ("HoC-GE2024-results-by-candidate.csv", "added")
    assert (cache / "HoC-GE2024-results-by-candidate.csv").read_bytes() == renamed.read_bytes()
    regional = add_file(FIXTURES / "ec_sp2016_regional.csv", cache_dir=cache)
    assert regional.item.role == "ec_regional"  # no pinned checksum: known by its header
    constituency = add_file(FIXTURES / "ec_sp2016_constituency.csv", cache_dir=cache)
    assert constituency.item.role == "ec_constituency"


def test_add_refuses_a_challenge_page_and_strangers(cache: Path, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not a file psephos knows"):
        add_file(FIXTURES / "challenge.html", cache_dir=cache)
    stranger = tmp_path / "notes.csv"
    stranger.write_text("a,b\n1,2\n")
    with pytest.raises(FetchError, match="data list"):
        add_file(stranger, cache_dir=cache)
    with pytest.raises(FetchError, match="No such file"):
        add_file(tmp_path / "absent.csv", cache_dir=cache)


def test_add_any_checksum_accepts_a_reissue(raw: Path, cache: Path, tmp_path: Path) -> None:
    reissue = tmp_path / "HoC-GE2019-results-by-candidate.csv"
    data = (raw / "hocl" / reissue.name).read_bytes()
    reissue.write_bytes(data.replace(b"Kinnock", b"Kinnoch", 1))
    with pytest.raises(FetchError, match="SHA-256"):
        add_file(reissue, cache_dir=cache)
    assert add_file(reissue, cache_dir=cache, any_checksum=True).item.role == "candidates"


def test_status_lists_cached_files(raw: Path, cache: Path) -> None:
    get_election("ge2015", mirror=raw, cache_dir=cache)
    cached = {e.election: [ok for _, ok in files] for e, files in status(cache)}
    assert cached["ge2015"] == [True, True]
    assert cached["ge2010"] == [False, True]  # CONSTITUENCY.csv is shared
    assert not any(cached["ge2024"])
