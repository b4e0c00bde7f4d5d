"""The published record of a declared contest: its transfer chart and its files.

Both are made once per declaration (keyed by its digest) and reused, so every visitor
downloads the same shuffled file, and the count is not rerun per request.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from django.conf import settings

from psephos.contests.counting import export_contest, recount
from psephos.contests.models import Contest
from psephos.contests.record import sealed_record
from psephos.reports.chart import count_figure
from psephos.reports.flows import count_flows


def digest(contest: Contest) -> str:
    """A fingerprint of the stored declaration: a recount that changes it gets new files."""
    text = json.dumps(contest.declaration, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@lru_cache(maxsize=8)
def _chart(contest_id: int, key: str) -> bytes:
    contest = Contest.objects.get(pk=contest_id)
    figure = count_figure(recount(contest), title=contest.name)  # the stored ballots again
    out = io.BytesIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "psephos"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def chart_svg(contest: Contest) -> bytes:
    """The transfer chart of the count as SVG, drawn once per declaration and process."""
    return _chart(contest.pk, digest(contest))


@lru_cache(maxsize=8)
def _flows(contest_id: int, key: str) -> bytes:
    contest = Contest.objects.get(pk=contest_id)
    return json.dumps(count_flows(recount(contest)), ensure_ascii=False).encode("utf-8")


def flows_json(contest: Contest) -> bytes:
    """The count's transfer flows (`psephos.reports.flows`) as JSON, for the interactive
    chart on the declaration page; made once per declaration and process."""
    return _flows(contest.pk, digest(contest))


def published_folder(contest: Contest) -> Path:
    """The exported record of this declaration, written once (atomically) and then reused,
    under ``PSEPHOS_PUBLISHED_DIR`` (default ``<data folder>/published``)."""
    folder = Path(settings.PSEPHOS_PUBLISHED_DIR) / contest.slug / digest(contest)
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".partial-"))
    try:
        export_contest(contest, partial)
        partial.rename(folder)
    except OSError:  # another worker published it first
        shutil.rmtree(partial, ignore_errors=True)
        if not folder.is_dir():
            raise
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def published_names(contest: Contest) -> list[str]:
    """The files of the published record: all ballots, each section's, trackers, declaration,
    and the sealed record a verifier checks the trustees' work against."""
    if not contest.declaration:
        return []
    return ["ballots.csv", *(f"ballots-{s['slug']}.csv" for s in contest.declaration["sections"]),
            "trackers.txt", "declaration.json", *(name for name, _ in sealed_record(contest))]
