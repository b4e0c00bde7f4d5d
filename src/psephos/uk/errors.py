"""The errors psephos.uk raises: a bad file (where and what), missing data (what to run).

The CLI turns any `UKDataError` into ``psephos: <message>`` on stderr and exit status 2.
"""

from __future__ import annotations

from psephos.errors import FileProblem


class UKDataError(Exception):
    """Official results that cannot be read or fetched; the message says what to do."""


class DataFileError(UKDataError, FileProblem):
    """A publisher's file that is not what it should be: where, and what was expected there."""


class MissingDataError(UKDataError):
    """A publisher's file is neither cached nor in a mirror: the user must fetch it first."""


class FetchError(UKDataError):
    """A download that failed or brought back something other than the publisher's file."""
