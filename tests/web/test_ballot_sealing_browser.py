"""The voter's browser seals and signs the ballot, and the voter may check the sealing first.

Against the real `psephos serve --demo` (an open contest whose trustees have made the
election key), in Debian's headless chromium: a voter follows their link, presses "Check
this ballot" once (Benaloh's cast-or-challenge), sees both the browser's and the server's
confirmation naming their candidates, downloads the opened ballot (which Python opens too),
then casts; the stored ballot is not the checked one, is signed under the voter's public
credential, and its tracker is the receipt's. A voter who types a postal code casts a
browser-sealed ballot too (the contest's postal iterations). With JavaScript off, the same
steps cast a ballot the server sealed, and the receipt says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from psephos.crypto import credentials, elgamal
from psephos.crypto.ballot_signatures import (
    ballot_tracker,
    printed_tracker,
    verify_ballot,
    verify_randomness,
)
from tests.web.axe_check import blocking_violations
from tests.web.browser import chromium, focused, require_browser, tab_to
from tests.web.databases import using_database
from tests.web.helpers import CORBYN, SMITH
from tests.web.live import LiveServer, serve_demo

T = TypeVar("T")
BOTH_CONFIRM = ("Your browser and the server both confirm that this sealed ballot holds: "
                f"1st {SMITH}, 2nd {CORBYN}.")
BROWSER_SEALED = "Your browser sealed and signed this ballot."
SERVER_SEALED = "This ballot was sealed by the server (your browser did not run the sealing script)"


@dataclass(frozen=True)
class Demo:
    server: LiveServer
    database: str
    slug: str
    #: Fresh (link token, postal code) pairs of voters who have not voted, one a test.
    secrets: list[tuple[str, str]]


def _reissue(database: str, folder: Path, slug: str, member: str) -> tuple[str, str]:
    """A voter's fresh (link token, postal code), as the returning officer reissues them
    (`psephos contest credentials reissue`, with the server's data folder and keys)."""
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder)}
    env.pop("PSEPHOS_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "psephos", "contest", "--database", database,
                           "credentials", "reissue", slug, member], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    printed = dict(line.split(":", 1) for line in done.stdout.splitlines() if ":" in line)
    return printed["link token"].strip(), printed["postal code"].strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    require_browser()
    folder = tmp_path_factory.mktemp("sealing")
    with serve_demo(folder) as live:
        database = f"sqlite:///{folder / 'demo.sqlite3'}"
        slug = live.vote_link.rstrip("/").split("/")[-2]
        with using_database(database):
            from psephos.contests.models import Voter

            members = list(Voter.objects.filter(
                contest__slug=slug, status=Voter.Status.ELIGIBLE, voted__isnull=True)
                .order_by("pk").values_list("member_number", flat=True)[1:5])  # not the printed one
        secrets = [_reissue(database, folder, slug, member) for member in members]
        yield Demo(live, database, slug, secrets)


@pytest.fixture(scope="module")
def browser(demo: Demo) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _link(demo: Demo, token: str) -> str:
    return f"{demo.server.url}vote/{demo.slug}/{token}/"


def _rank(page: Any) -> None:
    """On the ballot page: 1st Owen Smith, 2nd Jeremy Corbyn; then to the confirm page."""
    page.select_option("#pref-1", label=SMITH)
    page.select_option("#pref-2", label=CORBYN)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to check your ballot").click()
    assert page.locator("h1").inner_text() == "Check your ballot before you cast it"


def _cast(page: Any) -> str:
    """Press "Cast my vote"; the receipt's tracker."""
    with page.expect_navigation():
        page.get_by_role("button", name="Cast my vote").click()
    assert page.locator("h1").inner_text() == "Your vote has been cast"
    return str(page.locator("#tracker").inner_text())


def _read(demo: Demo, query: Callable[[], T]) -> T:
    """``query`` run on the server's database, in a thread of its own: Django refuses to
    touch a database from the thread Playwright's event loop runs in."""
    def run() -> T:
        with using_database(demo.database):
            return query()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _stored(demo: Demo, tracker: str) -> tuple[bytes, str, str]:
    """The stored ballot of ``tracker`` (the receipt's): sealed bytes, public credential and
    signature (hex), whose tracker is the receipt's."""
    def query() -> tuple[bytes, str, str, str]:
        from psephos.contests.models import Ballot

        ballot = Ballot.objects.get(contest__slug=demo.slug, tracker=tracker)
        return (bytes(ballot.sealed), str(ballot.signed_by), str(ballot.signature),
                str(ballot.proof))

    sealed, credential, signature, proof = _read(demo, query)
    assert printed_tracker(ballot_tracker(demo.slug, bytes.fromhex(credential), sealed,
                                          bytes.fromhex(signature))) == tracker
    # whoever sealed it (browser or server) proved knowing every slot's randomness
    assert verify_randomness(demo.slug, bytes.fromhex(credential), sealed,
                             bytes.fromhex(proof))
    return sealed, credential, signature


def _key_and_names(demo: Demo) -> tuple[bytes | None, tuple[str, ...]]:
    """The contest's election key and its paper's candidate names, in slot order."""
    def query() -> tuple[bytes | None, tuple[str, ...]]:
        from psephos.contests.casting.paper import ballot_paper
        from psephos.contests.models import Contest
        from psephos.contests.sealing import election_key

        contest = Contest.objects.get(slug=demo.slug)
        return election_key(contest), ballot_paper(contest).names

    return _read(demo, query)


def _watch(page: Any) -> list[str]:
    """Script errors, console errors (a refused Content-Security-Policy among them) and
    failed requests (but the favicon, which the site does not have) on ``page``."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None)
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return problems


@pytest.mark.browser
def test_check_the_sealing_then_cast_a_ballot_the_browser_sealed(
        demo: Demo, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    problems = _watch(page)
    page.goto(_link(demo, demo.secrets[0][0]))
    _rank(page)
    section = page.locator("#sealing-check")
    section.wait_for(state="visible")
    assert section.locator("h2").inner_text() == "Check the sealing of this ballot (optional)"
    assert blocking_violations(page) == []

    tab_to(page, "Check this ballot")
    page.keyboard.press("Enter")
    status = page.locator("#sealing-status")
    page.wait_for_function("() => !document.getElementById('sealing-result').hidden")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == BOTH_CONFIRM
    assert page.locator("#sealing-confirmations li").all_inner_texts() == [
        f"Your browser confirms that this sealed ballot holds: 1st {SMITH}, 2nd {CORBYN}.",
        f"The server confirms that this sealed ballot holds: 1st {SMITH}, 2nd {CORBYN}."]
    assert "can never be cast" in page.locator("#sealing-next").inner_text()
    assert focused(page)["id"] == "sealing-result-title"  # focus follows to the result
    assert blocking_violations(page) == []

    with page.expect_download() as waiting:
        page.locator("#sealing-download").click()
    saved = tmp_path / "opened-ballot.json"
    waiting.value.save_as(saved)
    opened = json.loads(saved.read_text(encoding="utf-8"))
    assert opened["contest"] == demo.slug
    assert opened["ranking"] == [SMITH, CORBYN]
    audited = bytes.fromhex(opened["sealed"])
    key = bytes.fromhex(opened["election_key"])
    width = len(opened["scalars"])
    scalars = [bytes.fromhex(s) for s in opened["scalars"]]
    assert elgamal.check_opening(key, audited, opened["slots"], width, scalars)
    election_key, names = _key_and_names(demo)
    assert election_key is not None and key == election_key
    assert [names[slot] for slot in opened["slots"]] == [SMITH, CORBYN]
    independent = subprocess.run([sys.executable, "-m", "psephos", "verify-opening", str(saved),
                                  "--key", election_key.hex()],
                                 capture_output=True, text=True, timeout=60, check=False)
    assert independent.returncode == 0, independent.stdout + independent.stderr
    assert independent.stdout.startswith("ok: ")

    tracker = _cast(page)
    assert page.locator("#sealed-by").inner_text() == BROWSER_SEALED
    sealed, credential, signature = _stored(demo, tracker)
    assert sealed != audited  # the checked ballot was thrown away
    elgamal.check_sealed(sealed, width)
    assert verify_ballot(bytes.fromhex(credential), demo.slug, sealed, bytes.fromhex(signature))
    assert credential == credentials.public_credential(credentials.private_credential(
        credentials.LINK, demo.secrets[0][0], demo.slug)).hex()
    assert problems == []
    context.close()


@pytest.mark.browser
def test_a_check_that_fails_is_said_plainly_and_each_check_seals_afresh(
        demo: Demo, browser: Any, tmp_path: Path) -> None:
    """The page shows what the server answers, not what it hopes: a server that does not
    confirm is a failure the voter is told about; and every check opens a new sealing."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(_link(demo, demo.secrets[3][0]))
    _rank(page)
    page.locator("#sealing-check").wait_for(state="visible")

    def opened() -> dict[str, Any]:
        page.get_by_role("button", name="Check this ballot").click()
        page.wait_for_function("() => !document.getElementById('sealing-result').hidden")
        with page.expect_download() as waiting:
            page.locator("#sealing-download").click()
        saved = tmp_path / "opened.json"
        waiting.value.save_as(saved)
        return dict(json.loads(saved.read_text(encoding="utf-8")))

    first = opened()
    assert page.locator("#sealing-status").inner_text() == BOTH_CONFIRM
    page.route("**/opened-ballot", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"matches": False, "ranking": [CORBYN, SMITH]})))
    second = opened()
    assert second["sealed"] != first["sealed"] and second["scalars"] != first["scalars"]
    assert page.locator("#sealing-status").inner_text().startswith("The check failed")
    assert page.locator("#sealing-confirmations li").all_inner_texts() == [
        f"Your browser confirms that this sealed ballot holds: 1st {SMITH}, 2nd {CORBYN}.",
        "The server could NOT confirm that this sealed ballot holds your ranking (it reads: "
        f"{CORBYN}, {SMITH})."]
    page.route("**/opened-ballot", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"message": "down for a moment"}'))
    opened()
    assert page.locator("#sealing-confirmations li").nth(1).inner_text() == (
        "The server could not check it: down for a moment.")
    context.close()


@pytest.mark.browser
def test_a_typed_postal_code_casts_a_ballot_the_browser_sealed(demo: Demo,
                                                                browser: Any) -> None:
    page = browser.new_page()
    problems = _watch(page)
    page.goto(demo.server.url + "vote/")
    page.fill("#code", demo.secrets[1][1].lower())  # as a voter may type it
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    _rank(page)
    page.locator("#sealing-check").wait_for(state="visible")
    tracker = _cast(page)
    assert page.locator("#sealed-by").inner_text() == BROWSER_SEALED
    sealed, credential, signature = _stored(demo, tracker)
    assert verify_ballot(bytes.fromhex(credential), demo.slug, sealed, bytes.fromhex(signature))
    assert problems == []
    page.close()


@pytest.mark.browser
def test_without_javascript_the_server_seals_and_the_receipt_says_so(demo: Demo,
                                                                      browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(_link(demo, demo.secrets[2][0]))
    _rank(page)
    assert not page.locator("#sealing-check").is_visible()
    tracker = _cast(page)
    assert page.locator("#sealed-by").inner_text().startswith(SERVER_SEALED)
    assert "the tracker still lets you find it on the public board" in page.locator(
        "#sealed-by").inner_text()
    sealed, credential, signature = _stored(demo, tracker)
    assert verify_ballot(bytes.fromhex(credential), demo.slug, sealed, bytes.fromhex(signature))
    context.close()
