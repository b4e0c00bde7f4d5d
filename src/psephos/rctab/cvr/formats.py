"""The CVR formats RCTab reads, by its ``provider`` name, and reading a config's sources."""

from __future__ import annotations

from collections.abc import Callable

from psephos.ballots.errors import BallotFileError
from psephos.ballots.profile import Profile
from psephos.files import input_problem
from psephos.rctab.config import CvrSource, RctabConfig
from psephos.rctab.cvr import cdf, clearballot, dominion, ess, generic_csv, hart
from psephos.rctab.sink import BallotSink

#: RCTab's ``provider`` value -> the reader adding that source's ballots to a sink.
READERS: dict[str, Callable[[CvrSource, BallotSink], None]] = {
    "ess": ess.read,
    "cdf": cdf.read,
    "dominion": dominion.read,
    "clearBallot": clearballot.read,
    "hart": hart.read,
    "genericCsv": generic_csv.read,
}


def read_profile(config: RctabConfig) -> Profile:
    """Read every CVR source of ``config`` into one profile."""
    if not config.candidates:  # checked here, not on loading: rules errors come first
        raise BallotFileError(config.path, "at least one candidate is needed", field="candidates")
    sink = BallotSink(config)
    for i, source in enumerate(config.sources):
        read = READERS.get(source.provider)
        if read is None:
            raise BallotFileError(config.path, f"unsupported CVR provider {source.provider!r}",
                                  field=f"cvrFileSources[{i}].provider")
        where = f"cvrFileSources[{i}].filePath"
        try:
            found = source.path.exists()
        except (OSError, ValueError) as exc:
            raise BallotFileError(config.path, f"unusable path ({exc})", field=where) from None
        if not found:
            raise BallotFileError(config.path, f"CVR file or folder not found: {source.path}",
                                  field=where)
        problem = None if source.path.is_dir() else input_problem(source.path, "a CVR file")
        if problem is not None:
            raise BallotFileError(config.path, f"{source.path}: {problem}", field=where)
        sink.source = source
        try:
            read(source, sink)
        except OSError as exc:
            raise BallotFileError(source.path, f"cannot read: {exc.strerror or exc}") from None
    return sink.profile()
