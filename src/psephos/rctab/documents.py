"""Reading the JSON and XML documents of RCTab configs and CVRs, with reader-style errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from psephos.ballots.errors import BallotFileError
from psephos.files import input_problem


def read_json_object(path: Path, expected: str) -> dict[str, Any]:
    """The JSON object in ``path``; any other content raises `BallotFileError`.

    ``expected`` names what the object should be, for the error message.
    """
    _check_regular(path)
    try:
        with path.open(encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise BallotFileError(path, f"cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise BallotFileError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except UnicodeDecodeError as exc:
        raise BallotFileError(path, f"not UTF-8 text ({exc.reason})") from None
    except (ValueError, RecursionError) as exc:  # e.g. a number too long to convert
        raise BallotFileError(path, f"not usable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BallotFileError(path, f"expected {expected}")
    return data


def read_xml_root(path: Path) -> ET.Element:
    """The root element of the XML document in ``path``; `BallotFileError` if it is not one."""
    _check_regular(path)
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise BallotFileError(path, f"not well-formed XML: {exc}", line=exc.position[0]) from None
    except OSError as exc:
        raise BallotFileError(path, f"cannot read: {exc.strerror}") from None


def _check_regular(path: Path) -> None:
    """Refuse a folder, device or pipe before opening it (a pipe would block the read)."""
    problem = input_problem(path, "a JSON or XML document")
    if problem is not None:
        raise BallotFileError(path, problem)
