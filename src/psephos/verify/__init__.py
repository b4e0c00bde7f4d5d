"""`psephos verify RECORD`: the independent verifier of a contest's published record.

It reads only the record's folder (the files `psephos contest export` writes), never the
server's database, and imports neither Django nor the contests app: the maths comes from
`psephos.crypto` (the reference implementation of docs/verifiability.md) and the recount
from `psephos.rules`. Each check is one `Check`; `verify_record` returns them all.
"""

from __future__ import annotations

from psephos.verify.reading import RecordError
from psephos.verify.record import verify_record
from psephos.verify.report import Check, Report

__all__ = ["Check", "RecordError", "Report", "verify_record"]
