"""Getting publisher files into the cache: download or copy, verify, write atomically.

Nothing reaches the cache unless it is the expected file: its first bytes must not be a web
page (the parliament host sometimes answers a script with a browser-challenge page), its
header must name the expected columns, and where the catalogue pins a SHA-256 the bytes
must match it. Every refusal says exactly what the user can do instead.
"""

from __future__ import annotations

import hashlib
import io
import json
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from psephos import __version__
from psephos.files import OutputError, write_bytes_atomically
from psephos.uk.catalogue import ELECTIONS, ElectionEntry, PublisherFile, entry
from psephos.uk.errors import FetchError
from psephos.uk.store import cache_root, cached, in_mirror, mirror_root
from psephos.uk.tabular import MAX_BYTES

USER_AGENT = f"psephos/{__version__} (Python urllib; official UK election results)"
TIMEOUT = 60


class Response(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


#: Opens a URL and returns a readable response (urllib's ``urlopen`` by default; tests stub it).
Opener = Callable[[urllib.request.Request], Response]


@dataclass(frozen=True)
class Fetched:
    """One file now in the cache, and how it got there."""

    item: PublisherFile
    path: Path
    action: str  # "downloaded", "copied", "added" or "already cached"
    source: str  # the URL or file it came from


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def problem(item: PublisherFile, data: bytes) -> str | None:
    """Why ``data`` is not ``item`` (a web page, a wrong header, ...); None if it looks right."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<script")) or (
            b"<html" in head and not item.format.startswith("json")):
        return "a web page (HTML), not the data file; the server may have sent a browser check"
    if not data.strip():
        return "empty"
    if item.format == "xlsx":
        return _xlsx_problem(item, data)
    if item.format == "json":
        return _json_problem(item, data)
    if item.format == "json-object":
        return _json_object_problem(item, data)
    if item.format == "pdf":
        return None if data.startswith(b"%PDF-") else "not a PDF document"
    if item.format == "js":
        return _js_problem(item, data)
    first = data.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(b"\xef\xbb\xbf")
    try:
        line = first.decode(item.encoding)
    except UnicodeDecodeError:
        return f"its first line is not {item.encoding} text"
    delimiter = "\t" if item.format.startswith("tsv") else ","
    columns = {c.strip().strip('"') for c in line.split(delimiter)}
    missing = [c for c in item.header if c not in columns]
    if missing:
        return f"its header lacks the column(s) {', '.join(map(repr, missing))}"
    return None


def verify(item: PublisherFile, data: bytes, origin: str, *, any_checksum: bool = False) -> None:
    """Refuse ``data`` unless it is ``item``; the message says what to do instead."""
    why = problem(item, data)
    if why is not None:
        raise FetchError(f"{origin}: {why}; expected {item.name} ({item.publisher}). "
                         + by_hand(item))
    if item.sha256 is not None and not any_checksum and sha256(data) != item.sha256:
        raise FetchError(
            f"{origin}: looks like {item.name} but its SHA-256 is {sha256(data)}, not the "
            f"{item.sha256} of the copy psephos's figures were checked against (the publisher "
            "may have re-issued it). To use it anyway: psephos data add --any-checksum FILE")


def by_hand(item: PublisherFile) -> str:
    """How a person gets ``item`` without psephos's help."""
    if item.transcribed:
        return f"To fix: {item.note}."
    where = item.url or item.page
    steps = f"open {where} in a web browser"
    if item.note:
        steps += f", {item.note}"
    elif item.url:
        steps += ", let it finish any check and save the file"
    if item.url is None:  # a sheet the user exports: its bytes will not match the pinned copy
        return f"To fix: {steps}, then run: psephos data add --any-checksum FILE"
    return f"To fix: {steps}, then run: psephos data add FILE"


def get_election(election: str, *, mirror: Path | None = None, cache_dir: Path | None = None,
                 force: bool = False, opener: Opener | None = None) -> list[Fetched]:
    """Fetch every file of ``election`` into the cache (from ``mirror`` if given, else the web).

    Files already cached are kept unless ``force``. All files are tried; if any fails, a
    `FetchError` lists every failure (the others stay cached).
    """
    item_entry = entry(election)
    root = mirror_root(mirror)
    done: list[Fetched] = []
    failures: list[str] = []
    for item in item_entry.files:
        try:
            result = _get_one(item, item_entry, root, cache_dir, force, opener)
        except FetchError as error:
            if item.required:
                failures.append(str(error))
            continue
        if result is not None:
            done.append(result)
    if failures:
        raise FetchError("\n".join(failures))
    return done


def add_file(path: Path, *, cache_dir: Path | None = None,
             any_checksum: bool = False) -> Fetched:
    """Cache a file the user downloaded by hand, after working out which catalogue file it is.

    It is matched first by SHA-256, then by its header (the catalogue file of the same name
    first), and must then pass `verify`.
    """
    data = _read_local(path)
    items = _all_files()
    digest = sha256(data)
    match = next((i for i in items if i.sha256 == digest), None)
    if match is None:
        fitting = [i for i in items if problem(i, data) is None]
        fitting.sort(key=lambda i: (i.name != path.name, -len(i.header)))  # most specific
        if not fitting:
            why = problem_summary(data)
            raise FetchError(f"{path}: not a file psephos knows ({why}); `psephos data list` "
                             "shows the files it can use")
        match = fitting[0]
    verify(match, data, str(path), any_checksum=any_checksum)
    target = write_cache(match, data, cache_dir)
    return Fetched(match, target, "added", str(path))


def status(cache_dir: Path | None = None) -> list[tuple[ElectionEntry, list[tuple[PublisherFile,
                                                                                  bool]]]]:
    """Every election with, per file, whether it is cached."""
    return [(e, [(i, cached(i, cache_dir) is not None) for i in e.files])
            for e in ELECTIONS.values()]


def write_cache(item: PublisherFile, data: bytes, cache_dir: Path | None = None) -> Path:
    """Write ``data`` as the cached copy of ``item``, whole or not at all."""
    folder = cache_root(cache_dir)
    target = folder / item.name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(target, data)
    except OutputError as error:
        raise FetchError(f"cannot write the cache: {error}") from None
    except OSError as error:
        raise FetchError(f"{folder}: cannot write the cache ({error.strerror or error})") from None
    return target


def problem_summary(data: bytes) -> str:
    head = data[:200].decode("utf-8", "replace").splitlines()
    return f"it begins {head[0][:80]!r}" if head else "it is empty"


def _get_one(item: PublisherFile, item_entry: ElectionEntry, mirror: Path | None,
             cache_dir: Path | None, force: bool, opener: Opener | None) -> Fetched | None:
    present = cached(item, cache_dir)
    if present is not None and not force:
        data = _read_local(present)
        if problem(item, data) is None and item.sha256 in (None, sha256(data)):
            return Fetched(item, present, "already cached", str(present))
    if mirror is not None:
        found = in_mirror(item, mirror)
        if found is None:
            if not item.required:
                return None
            raise FetchError(f"{item.name} ({item.publisher}) is not in the mirror {mirror} "
                             f"(looked in {mirror / item.folder} and {mirror})")
        data = _read_local(found)
        verify(item, data, str(found))
        return Fetched(item, write_cache(item, data, cache_dir), "copied", str(found))
    if not item.required:
        return None
    if item.url is None and item.mirror_url is None:
        raise FetchError(f"{item.name} ({item.publisher}) cannot be downloaded by psephos. "
                         + by_hand(item))
    first_error: FetchError | None = None
    for url in (u for u in (item.url, item.mirror_url) if u):
        try:
            data = download(url, opener)
        except FetchError as error:
            first_error = first_error or FetchError(f"{error}. {by_hand(item)}")
            continue
        try:
            verify(item, data, url)
        except FetchError as error:
            first_error = first_error or error
            continue
        return Fetched(item, write_cache(item, data, cache_dir), "downloaded", url)
    assert first_error is not None
    raise first_error


def download(url: str, opener: Opener | None = None) -> bytes:
    """The body at ``url`` (at most `MAX_BYTES`), or a `FetchError` saying what went wrong."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        data: bytes
        if opener is None:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                data = bytes(response.read(MAX_BYTES + 1))
        else:
            data = bytes(opener(request).read(MAX_BYTES + 1))
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url}: the server answered HTTP {error.code} ({error.reason})"
                         ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"{url}: could not download ({reason}); check the connection, or use "
                         "--mirror DIR") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: more than {MAX_BYTES:,} bytes; not a results file")
    return data


def _read_local(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FetchError(f"{path}: more than {MAX_BYTES:,} bytes; not a results file")
        return path.read_bytes()
    except OSError as error:
        raise FetchError(f"{path}: {error.strerror or error}") from None


def _all_files() -> list[PublisherFile]:
    seen: dict[str, PublisherFile] = {}
    for item_entry in ELECTIONS.values():
        for item in item_entry.files:
            seen.setdefault(item.name, item)
    return list(seen.values())


def _xlsx_problem(item: PublisherFile, data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return "not an Excel .xlsx workbook"
    names = [n.replace("&", "&amp;") for n in item.header]
    missing = [n for n, escaped in zip(item.header, names, strict=True)
               if f'name="{escaped}"' not in workbook]
    if missing:
        return f"the workbook lacks the sheet(s) {', '.join(map(repr, missing))}"
    return None


def _json_problem(item: PublisherFile, data: bytes) -> str | None:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "not JSON"
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return "not a JSON list of results records"
    types = {r.get("type") for r in records}
    missing = [t for t in item.header if t not in types]
    if missing:
        return f"it has no record of type {', '.join(map(repr, missing))}"
    return None


def _json_object_problem(item: PublisherFile, data: bytes) -> str | None:
    """A JSON object must hold the keys in ``item.header``."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return "not JSON"
    if not isinstance(document, dict):
        return f"not a JSON object with the keys {', '.join(map(repr, item.header))}"
    missing = [key for key in item.header if key not in document]
    if missing:
        return f"its JSON object lacks the key(s) {', '.join(map(repr, missing))}"
    return None


def _js_problem(item: PublisherFile, data: bytes) -> str | None:
    """A JavaScript data module must be UTF-8 and declare each object ``item.header`` names."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    missing = [name for name in item.header if f"const {name} = {{" not in text]
    if missing:
        return f"it declares no object {', '.join(map(repr, missing))}"
    return None
