"""`psephos data`: fetch, import and list the publishers' official results files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from psephos.cli.output import JsonOption, emit_json, fail

data_app = typer.Typer(
    name="data",
    help="Fetch, check and cache official UK results files (see docs/data.md).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

MirrorOption = Annotated[Path | None, typer.Option(
    "--mirror", help="Take files from this folder instead of the web (or set PSEPHOS_MIRROR).")]
CacheOption = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Cache folder (default: the user cache dir, or PSEPHOS_CACHE).")]


@data_app.command("get")
def get_command(
    election: Annotated[str, typer.Argument(
        help="ge2010 ... ge2024, ge2019-notional, sp2016, sp2016-feed, sp2021, sp2026, la2016, "
             "lm2016, lm2021 or senedd2026.")],
    mirror: MirrorOption = None,
    cache_dir: CacheOption = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Fetch again even if already cached.")] = False,
) -> None:
    """Download (or copy from a mirror) an election's files, verify them and cache them.

    Example: psephos data get ge2019 --mirror ../shared/data/uk/raw
    """
    from rich.console import Console

    from psephos.uk.errors import UKDataError
    from psephos.uk.fetch import get_election

    try:
        with Console(stderr=True).status(f"Fetching {election}"):
            fetched = get_election(election, mirror=mirror, cache_dir=cache_dir, force=force)
    except UKDataError as error:
        fail(str(error))
    for item in fetched:
        typer.echo(f"{item.action}: {item.item.name} -> {item.path}")


@data_app.command("add")
def add_command(
    file: Annotated[Path, typer.Argument(help="A publisher's file you downloaded yourself.")],
    cache_dir: CacheOption = None,
    any_checksum: Annotated[bool, typer.Option(
        "--any-checksum", help="Accept a re-issued file whose SHA-256 differs from the "
        "catalogue's (its header is still checked).")] = False,
) -> None:
    """Import a file downloaded by hand: identify it, verify it, cache it.

    Example: psephos data add ~/Downloads/HoC-GE2024-results-by-candidate.csv
    """
    from psephos.uk.errors import UKDataError
    from psephos.uk.fetch import add_file

    try:
        added = add_file(file, cache_dir=cache_dir, any_checksum=any_checksum)
    except UKDataError as error:
        fail(str(error))
    typer.echo(f"added: {added.item.name} ({added.item.publisher}) -> {added.path}")


@data_app.command("list")
def list_command(
    cache_dir: CacheOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the elections psephos knows, their files, and which are cached.

    Example: psephos data list --json
    """
    from rich.console import Console
    from rich.table import Table

    from psephos.uk.fetch import status
    from psephos.uk.store import cache_root

    rows = status(cache_dir)
    if as_json:
        emit_json({
            "cache": str(cache_root(cache_dir)),
            "elections": [{
                "election": e.election, "title": e.title,
                "cached": all(ok for f, ok in files if f.required),
                "files": [{"name": f.name, "publisher": f.publisher, "url": f.url,
                           "mirror_url": f.mirror_url, "page": f.page, "source": f.source,
                           "licence": f.licence, "sha256": f.sha256, "required": f.required,
                           "cached": ok} for f, ok in files],
            } for e, files in rows],
        })
        return
    table = Table(title=f"Cache: {cache_root(cache_dir)}")
    for column in ("Election", "File", "Source (licence)", "Cached"):
        table.add_column(column)
    for e, files in rows:
        for number, (f, ok) in enumerate(files):
            note = "" if f.required else " (optional)"
            table.add_row(e.election if number == 0 else "", f.name + note, f.origin,
                          "yes" if ok else "-", end_section=number == len(files) - 1)
    Console().print(table)
