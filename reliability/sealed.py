"""The sealed-ballot flow, when this tree has it: key ceremony before the opening, and
shuffle, decryption and count after the close.

Found by trying to import its services (`psephos.contests.trustees`), so the harness runs
the same on a tree with plain ballots and on one where every ranking is encrypted as it is
cast (issue #10 item 1). The ceremony is the local one (3 trustees, any 2 decrypt), whose
private files go into the run's folder: weaker than a real ceremony, and enough here.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

TRUSTEES, THRESHOLD = 3, 2


def has_sealed_flow() -> bool:
    return importlib.util.find_spec("psephos.contests.trustees") is not None


def _folder(root: Path, contest: Any) -> Path:
    return root / "trustees" / f"{contest.slug}-{contest.pk}"


def run_ceremony(contest: Any, root: Path) -> None:
    """The contest's key ceremony, run locally, if this tree seals ballots."""
    if not has_sealed_flow():
        return
    from psephos.contests.trustees import run_local_ceremony

    run_local_ceremony(contest, TRUSTEES, THRESHOLD, _folder(root, contest),
                       actor="reliability")


def close_and_count(contest: Any, root: Path) -> Any:
    """Close, and count as `count_closed` does; the declaration."""
    from psephos.contests.lifecycle import close_contest

    close_contest(contest, actor="reliability")
    return count_closed(contest, root)


def count_closed(contest: Any, root: Path) -> Any:
    """Count a closed contest (sealed: shuffled first, and 2 trustees' shares sent); the
    declaration, or the count's refusal raised."""
    from psephos.contests.counting import count_contest

    if has_sealed_flow():
        from psephos.contests.mixing import is_mixed, mix_contest, requests_of
        from psephos.contests.opening import add_shares
        from psephos.crypto.decryption import decrypt_shares

        if not is_mixed(contest):
            mix_contest(contest, actor="reliability")
        files = sorted(_folder(root, contest).glob("*.json"))[:THRESHOLD]
        for path in files:
            private = json.loads(path.read_text(encoding="utf-8"))
            for request in requests_of(contest):
                add_shares(contest, decrypt_shares(private, request.request),
                           actor="reliability")
    return count_contest(contest, actor="reliability")


def opened_ballot_model() -> Any | None:
    """The model of ballots as opened after the count, if this tree has one."""
    if not has_sealed_flow():
        return None
    try:
        from psephos.contests.sealed_models import OpenedBallot
    except ImportError:
        return None
    return OpenedBallot
