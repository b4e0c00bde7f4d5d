"""Where publisher files live on this machine: the user's cache, or a mirror folder.

The cache is ``platformdirs.user_cache_dir("psephos")/uk`` (``PSEPHOS_CACHE`` or
``--cache-dir`` override it), one file per publisher file under the publisher's name.
A mirror (``PSEPHOS_MIRROR`` or ``--mirror``) is a folder laid out like
../shared/data/uk/raw (``hocl/``, ``electoral_commission/``, ...; transcribed files in
its parent folder), or the folder above it, or flat.
"""

from __future__ import annotations

import os
from pathlib import Path

from psephos.uk.catalogue import ElectionEntry, PublisherFile
from psephos.uk.errors import MissingDataError

CACHE_ENV = "PSEPHOS_CACHE"
MIRROR_ENV = "PSEPHOS_MIRROR"


def cache_root(cache_dir: Path | None = None) -> Path:
    """The folder cached files go in: ``cache_dir``, else ``$PSEPHOS_CACHE``, else the user's."""
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("psephos")) / "uk"


def mirror_root(mirror: Path | None = None) -> Path | None:
    """The mirror folder: ``mirror``, else ``$PSEPHOS_MIRROR``, else none."""
    if mirror is not None:
        return Path(mirror)
    value = os.environ.get(MIRROR_ENV)
    return Path(value) if value else None


def cached(item: PublisherFile, cache_dir: Path | None = None) -> Path | None:
    path = cache_root(cache_dir) / item.name
    return path if path.is_file() else None


def in_mirror(item: PublisherFile, mirror: Path) -> Path | None:
    """Where ``item`` is in ``mirror``, trying the raw/ layout, the folder above it, then flat."""
    places = [mirror / item.folder / item.name, mirror / "raw" / item.folder / item.name,
              mirror / item.name]
    if item.transcribed:
        places.append(mirror.parent / item.name)
    return next((path for path in places if path.is_file()), None)


def cached_or_mirrored(item: PublisherFile, *, mirror: Path | None = None,
                       cache_dir: Path | None = None) -> Path | None:
    """``item``'s cached copy, else the mirror's (``--mirror`` or `MIRROR_ENV`), or None."""
    path = cached(item, cache_dir)
    if path is not None:
        return path
    root = mirror_root(mirror)
    return in_mirror(item, root) if root is not None else None


def locate(item: PublisherFile, entry: ElectionEntry, *, mirror: Path | None = None,
           cache_dir: Path | None = None) -> Path:
    """The file to read for ``item``: the cached copy, else the mirror's, else an error."""
    path = cached_or_mirrored(item, mirror=mirror, cache_dir=cache_dir)
    if path is not None:
        return path
    root = mirror_root(mirror)
    if root is not None:
        raise MissingDataError(
            f"{item.name} ({item.publisher}) is not in the mirror {root} nor in the cache "
            f"{cache_root(cache_dir)}; run `psephos data get {entry.election}`")
    raise MissingDataError(
        f"{item.name} ({item.publisher}) is not cached in {cache_root(cache_dir)}; run "
        f"`psephos data get {entry.election}` (or pass --mirror DIR / set {MIRROR_ENV})")


def find(entry: ElectionEntry, role: str, *, mirror: Path | None = None,
         cache_dir: Path | None = None) -> Path:
    """`locate` the file of ``entry`` with this role."""
    return locate(entry.file(role), entry, mirror=mirror, cache_dir=cache_dir)
