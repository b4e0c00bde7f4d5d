"""axe-core (bundled with axe-playwright-python) run on a page open in the browser tests."""

from __future__ import annotations

from typing import Any

#: The impacts the explorer's pages must have none of.
BLOCKING = ("serious", "critical")


def blocking_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each (rule, impact,
    the first offending element), so that a failing assertion says what to mend."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING:
            target = violation["nodes"][0]["target"] if violation["nodes"] else []
            found.append(f"{violation['id']} ({violation['impact']}): {target}")
    return found
