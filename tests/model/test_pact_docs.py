"""docs/pact.md cites only what a reader has: files in the repository, or public sources by
name and address (a note kept outside the repository cannot be followed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
#: A file named in the text: a relative path ending in one of the repository's file types.
FILE = re.compile(r"(?<![\w./-])((?:\.\.?/)*[\w-]+(?:/[\w.-]+)*\.(?:md|toml|py|csv|json))\b")


def cited_files(text: str) -> list[str]:
    """Files the text sends a reader to: any .md, and any path with a folder (a bare
    ``seats.csv`` is a file the commands write, not one to read)."""
    return sorted({f for f in FILE.findall(text) if f.endswith(".md") or "/" in f})


def test_the_pattern_finds_relative_paths() -> None:
    assert cited_files("From ../shared/notes.md, see data.md and `examples/a.toml`; "
                       "--csv seats.csv; electoralcalculus.co.uk/x.html") == [
        "../shared/notes.md", "data.md", "examples/a.toml"]


@pytest.mark.parametrize("doc", ["pact.md", "results.md"])
def test_every_cited_file_is_in_the_repository(doc: str) -> None:
    # Before: docs/pact.md cited "../shared/research/pact_modelling.md", a file outside it.
    text = (DOCS / doc).read_text(encoding="utf-8")
    missing = []
    for cited in cited_files(text):
        places = [(DOCS / cited).resolve(), (REPO / cited).resolve()]
        if not any(p.is_file() and p.is_relative_to(REPO) for p in places):
            missing.append(cited)
    assert missing == []
