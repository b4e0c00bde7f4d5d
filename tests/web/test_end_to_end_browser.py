"""A whole sealed members' ballot through the real server, the real pages and the command line.

Define from TOML; import each section's roll (bad rows reported, a broken file refused
whole); nominate to the threshold and consent; three trustees make the key (any two
decrypt), each with `psephos trustee` in their own folder; open; e-mail the credentials
through the outbox to a local SMTP sink and read the links out of the messages, and print
the postal packs; vote in headless chromium by link (one voter with the keyboard only) and
by typed postal code, through the API, and in a returned postal batch, every browser voter's
ballot sealed by their browser, one of them after checking the sealing once (Benaloh's
cast-or-challenge); a helpdesk reissue; a voter revoked after voting. Before the close, no
voting secret and no ranking is in a dump of the database or in the server's log. Close,
the server's shuffle and two trustees' re-mixes of each section (the server requires two,
PSEPHOS_TRUSTEE_MIXES), two trustees decrypt after checking the whole chain; the declaration
is the test's own count of what was cast; read the declaration page; the board shows the
revocation with its removed ballot; export, and recount the exported files with `psephos
count`; `psephos verify` passes on the record, the board key pinned, and its recount is
the declaration, section by section; the audit log verifies against the head the page
shows. On SQLite, and on PostgreSQL when ``PSEPHOS_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from psephos.contests.views.forms import ordinal
from psephos.crypto import elgamal
from tests.web.browser import chromium, focused, require_browser, submit, tab_to
from tests.web.databases import BACKENDS, fresh_database, using_database
from tests.web.e2e_result import (
    Expected,
    check_board,
    check_declaration,
    check_declaration_page,
    check_downloads,
    check_export,
    check_verification,
)
from tests.web.e2e_steps import (
    Admin,
    candidate_ids,
    database_dump,
    decrypt,
    found_in,
    key_ceremony,
    log_text,
    ranking_forms,
    remix,
    secret_forms,
    secrets_of,
    shuffle,
)
from tests.web.live import free_port, serve
from tests.web.smtp_sink import smtp_sink

ADA, BRIAN, GRACE = "Ada Lovelace", "Brian Kernighan", "Grace Hopper"
SECTIONS = {"members": "Members", "supporters": "Registered supporters"}

DEFINITION = """
[contest]
slug = "{slug}"
name = "Society leadership ballot"
method = "av"
seats = 1
freeze_date = 2026-01-01
dedupe_by = "email"

[[sections]]
slug = "members"
name = "Members"
priority = 0
arrears = true

[[sections]]
slug = "supporters"
name = "Registered supporters"
priority = 1
join_cutoff = 2026-06-30
fee_window = [2026-06-01, 2026-06-30]

[[candidates]]
name = "Ada Lovelace"
incumbent = true
consented = true

[[candidates]]
name = "Brian Kernighan"

[[candidates]]
name = "Grace Hopper"
consented = true

[[candidates]]
name = "Dennis Ritchie"
consented = true

[nominations]
incumbent_bypass = true
require = [["council"]]

[[nominations.bodies]]
slug = "council"
name = "Council members"
size = 20
share = 0.2

[[nominations.made]]
candidate = "Grace Hopper"
body = "council"
count = 4

[[nominations.made]]
candidate = "Brian Kernighan"
body = "council"
nominators = ["Cllr A", "Cllr B"]

[[nominations.made]]
candidate = "Dennis Ritchie"
body = "council"
nominators = ["Cllr C"]
"""

HEADER = "member_number,name,email,joined,arrears_paid,fee_paid_on,suspended\n"
N_MEMBERS, N_SUPPORTERS = 10, 8
MEMBERS = HEADER + "".join(f"M{i},Member {i},m{i}@example.org,2025-05-{i:02d},yes,,no\n"
                           for i in range(1, N_MEMBERS + 1)) + (
    "M90,Late Joiner,late@example.org,2026-03-01,yes,,no\n"
    "M91,Owes Fees,owes@example.org,2025-01-01,no,,no\n"
    "M92,Bad Address,not-an-address,2025-01-01,yes,,no\n"
    "M93,Suspended Person,susp@example.org,2025-01-01,yes,,yes\n")
SUPPORTERS = HEADER + "".join(f"S{i},Supporter {i},s{i}@example.org,2026-06-10,,2026-06-{10 + i},\n"
                              for i in range(1, N_SUPPORTERS + 1)) + (
    "S90,Too Late,toolate@example.org,2026-06-10,,2026-07-05,\n"
    "S91,Member Too,m1@example.org,2026-06-10,,2026-06-10,\n")
MEMBERS_REJECTED = [
    (N_MEMBERS + 2, "joined 2026-03-01, after the freeze date 2026-01-01"),
    (N_MEMBERS + 3, "arrears not paid"),
    (N_MEMBERS + 4, "email: 'not-an-address' is not an e-mail address"),
    (N_MEMBERS + 5, "suspended"),
]
SUPPORTERS_REJECTED = [
    (N_SUPPORTERS + 2, "fee paid on 2026-07-05, outside the window 2026-06-01 to 2026-06-30"),
]
VOTERS = N_MEMBERS + N_SUPPORTERS

#: Who votes how, and where: chromium by link (keyboard only, or pointer), the API, a postal
#: code typed in chromium, a returned postal batch. M10 abstains. No ranking is the ballot
#: paper's own order in full (A, B, G), which the opening logs in the clear.
BROWSER_VOTES = {"M2": [ADA], "M3": [BRIAN, GRACE], "S1": [ADA, GRACE, BRIAN]}
API_VOTES = {"M5": [ADA, GRACE], "M6": [BRIAN], "S2": [GRACE, BRIAN], "S3": [BRIAN, ADA],
             "S4": [ADA], "S5": [GRACE, ADA, BRIAN]}
TYPED_VOTES = {"M7": [BRIAN, ADA], "S6": [GRACE, ADA]}
POSTAL_VOTES = {"M8": [ADA, BRIAN], "M9": [GRACE], "S7": [BRIAN, GRACE, ADA], "S8": [ADA, GRACE]}
KEYBOARD_VOTER, KEYBOARD_RANKING = "M1", [GRACE, ADA]
REISSUED_VOTER, REISSUED_RANKING = "M4", [GRACE]
REVOKED_VOTER, REVOKED_REASON = "S3", "suspended by the council"
#: The link voter who checks the sealing once (Benaloh's audit) before casting.
CHECKING_VOTER = "S1"
TRUSTEES = ["Ann Trustee", "Bob Trustee", "Cat Trustee"]
#: Trustee re-mixes each section needs before decryption (the server's PSEPHOS_TRUSTEE_MIXES).
TRUSTEE_MIXES = 2
BROWSER_SEALED = "Your browser sealed and signed this ballot."


@dataclass
class Record:
    """What the test did, to check the declaration and the published files against."""

    cast: dict[str, list[str]] = field(default_factory=dict)
    trackers: dict[str, str] = field(default_factory=dict)
    #: Every voting secret handed out (link tokens, postal codes), old and new.
    secrets: set[str] = field(default_factory=set)
    #: The opened ballots voters checked (Benaloh) and so never cast, as downloaded.
    audited: list[dict[str, Any]] = field(default_factory=list)
    #: The printed tracker of the ballot the revocation removed.
    removed: str = ""


def _api(url: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url.rstrip("/") + path, data=data,
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    require_browser()
    return str(request.param)


def _audit_key_file(database: str) -> str:
    """The signing key this test process's own audit entries are signed with."""
    with using_database(database):
        from django.conf import settings

        return str(settings.PSEPHOS_AUDIT_KEY_FILE)


@pytest.mark.browser
def test_members_ballot_through_the_real_server(backend: str, tmp_path: Path) -> None:
    slug = f"e2e-{backend}"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with fresh_database(backend, tmp_path) as database, smtp_sink() as sink:
        env = {k: v for k, v in os.environ.items()
               if k not in {"PSEPHOS_DATABASE_URL", "PSEPHOS_EMAIL_BACKEND"}}
        env.update(PSEPHOS_DATA_DIR=str(tmp_path / "data"),
                   PSEPHOS_SECRET_KEY="e2e-" + secrets.token_hex(16),
                   PSEPHOS_SMTP_HOST=sink.host, PSEPHOS_SMTP_PORT=str(sink.port),
                   PSEPHOS_PUBLIC_URL=url.rstrip("/"),
                   PSEPHOS_TRUSTEE_MIXES=str(TRUSTEE_MIXES),
                   # One audit log, one signing key: this process writes to it too.
                   PSEPHOS_AUDIT_KEY_FILE=_audit_key_file(database))
        admin = Admin(database, env, slug)
        _define_and_import(admin, tmp_path)
        _nominate(database, slug)
        trustees = key_ceremony(admin, TRUSTEES, tmp_path)
        opened = admin("open", slug)
        assert opened.stdout.strip() == f"{slug} is open; on the ballot: {ADA}, {BRIAN}, {GRACE}"
        ids, paper = candidate_ids(database, slug)  # (no Django calls under playwright's loop)
        record = Record()
        links = _mail_credentials(admin, sink, url)
        codes = _postal_pack(admin, tmp_path / "postal-pack.csv")
        record.secrets |= secrets_of(links, codes)
        with serve(database, env, port=port, workers=2) as live, chromium() as browser:
            _vote_in_the_browser(browser, live.url, links, record, tmp_path / "checked")
            _vote_through_the_api(live.url, slug, links, record)
            _type_postal_codes(browser, live.url, codes, record)
            _reissue(admin, browser, live.url, slug, links, record)
            _revoke(admin, live.url, slug, links, record)
            _return_postal_batch(admin, tmp_path / "batch-0001.csv", codes, record)
            for tracker in record.trackers.values():
                assert _api(live.url, f"/api/contests/{slug}/board/{tracker}")[0] == 200
            _nothing_in_the_clear(database_dump(database), log_text(live.output), record,
                                  ids, paper)

            closed = admin("close", slug)
            assert closed.stdout.strip() == f"{slug} is closed: {len(record.cast)} ballots"
            shuffle(admin, list(SECTIONS))
            remix(admin, trustees[1:], list(SECTIONS), tmp_path)
            decrypt(admin, trustees, list(SECTIONS), tmp_path, stages=1 + TRUSTEE_MIXES)
            declared = json.loads(admin("count", slug, "--json").stdout)
            expected = _expected(record)
            check_declaration(declared, expected)
            anchor = check_declaration_page(browser, live.url, slug, expected)
            check_downloads(live.url, slug, tmp_path / "downloads", expected)
            _opened_ballots_are_found(database_dump(database), record, ids, paper)
            with urllib.request.urlopen(f"{live.url}contests/{slug}/board.json",
                                        timeout=30) as response:
                board = json.loads(response.read())
        check_export(admin, tmp_path / "record", declared, expected)
        check_board(board, tmp_path / "record",
                    ("supporters", REVOKED_REASON, record.removed),
                    [opened["sealed"] for opened in record.audited])
        ceremony = json.loads((tmp_path / "record" / "ceremony.json").read_text())
        assert {o["election_key"] for o in record.audited} == {ceremony["election_key"]}
        assert anchor == declared["audit_head"], "the page shows the head the count printed"
        verified = admin("verify-log", "--anchor", f"{anchor['seq']}:{anchor['hash']}",
                         "--public-key", anchor["public_key"])
        assert verified.stdout.startswith("audit log intact: "), verified.stdout
        signers = re.findall(r"^signed by public key (\S+)$", verified.stdout, re.MULTILINE)
        assert signers == [board["key"]] == [anchor["public_key"]], (signers, board["key"])
        check_verification(admin, tmp_path / "record", board["key"], declared, removed=1)


def _define_and_import(admin: Admin, folder: Path) -> None:
    """init from TOML; a broken roll imports nothing; good rolls report each bad row."""
    toml = folder / "contest.toml"
    toml.write_text(DEFINITION.format(slug=admin.slug), encoding="utf-8")
    made = admin("init", str(toml))
    assert made.stdout.strip() == (f"created contest {admin.slug}: 2 sections, 4 candidates, "
                                   "method av")

    no_name = folder / "no-name.csv"
    no_name.write_text(MEMBERS.replace(",name,", ",full_nam,", 1), encoding="utf-8")
    refused = admin("electorate", "import", admin.slug, str(no_name), "--section", "members",
                    ok=False)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"psephos: {no_name}:1: missing column name; ")
    latin1 = folder / "latin1.csv"  # line 2 is fine; line 4 is not UTF-8: nothing is kept
    latin1.write_bytes(MEMBERS.encode().replace(b"Member 3", "Mémber 3".encode("latin-1")))
    refused = admin("electorate", "import", admin.slug, str(latin1), "--section", "members",
                    ok=False)
    assert (refused.returncode, refused.stderr.strip()) == (
        2, f"psephos: {latin1}:4: not UTF-8 text; save the file as 'CSV UTF-8'")
    with using_database(admin.database):
        from psephos.contests.models import Voter

        assert Voter.objects.filter(contest__slug=admin.slug).count() == 0

    for section, text, rejected, accepted in (
            ("members", MEMBERS, MEMBERS_REJECTED, N_MEMBERS),
            ("supporters", SUPPORTERS, SUPPORTERS_REJECTED, N_SUPPORTERS)):
        roll = folder / f"{section}.csv"
        roll.write_text(text, encoding="utf-8")
        report = json.loads(admin("electorate", "import", admin.slug, str(roll), "--section",
                                  section, "--json").stdout)
        assert [(r["line"], r["reason"]) for r in report["rejected"]] == rejected
        assert report["accepted"] == accepted
        if section == "supporters":
            assert [(d["line"], d["member_number"], d["kept"])
                    for d in report["duplicates"]] == [(N_SUPPORTERS + 3, "S91", "members")]


def _nominate(database: str, slug: str) -> None:
    """The threshold (20 % of 20 = 4) and consent decide who is on the ballot."""
    with using_database(database):
        from psephos.contests.models import Candidate
        from psephos.contests.nominations import (
            consent,
            nominate,
            nomination_status,
            threshold,
        )

        candidates = {c.name: c for c in Candidate.objects.filter(contest__slug=slug)}
        brian = candidates[BRIAN]
        assert threshold(brian.contest.bodies.get(slug="council")) == 4
        status = nomination_status(brian)
        assert (status.valid, status.on_ballot) == (False, False)
        assert status.bodies[0].detail == "2 of 4 needed"
        nominate(brian, "council", "Cllr D", actor="ro")
        nominate(brian, "council", "Cllr E", actor="ro")
        status = nomination_status(brian)
        assert (status.valid, status.on_ballot, status.reasons) == (
            True, False, ("has not consented",))
        consent(brian, actor="ro")
        assert nomination_status(brian).on_ballot
        dennis = nomination_status(candidates["Dennis Ritchie"])
        assert not dennis.on_ballot and "1 of 4 needed" in dennis.reasons[0]
        assert nomination_status(candidates[ADA]).on_ballot, "the incumbent needs none"


def _mail_credentials(admin: Admin, sink: Any, url: str) -> dict[str, str]:
    """Issue, queue and send the ballot e-mails; member number -> the link each one holds."""
    assert admin("credentials", "issue", admin.slug).stdout.startswith(
        f"issued {VOTERS} credentials")
    assert admin("credentials", "mail", admin.slug).stdout.strip() == (
        f"queued {VOTERS} ballot e-mails")
    sent = admin("mail", "send").stdout.strip()
    assert sent == f"sent {VOTERS}; outbox: 0 queued, {VOTERS} sent, 0 failed", sent
    pattern = re.compile(rf"{re.escape(url)}vote/{admin.slug}/[A-Za-z0-9_-]+/")
    by_address = {}
    for message in sink.messages:
        assert message["Subject"].startswith("Your ballot")
        found = pattern.findall(message.get_content())
        assert len(found) == 1, message.get_content()
        by_address[message["To"]] = found[0]
    assert len(by_address) == VOTERS
    return {address.split("@")[0].upper(): link for address, link in by_address.items()}


def _postal_pack(admin: Admin, path: Path) -> dict[str, str]:
    """The print file of postal packs: member number -> the postal code on their paper (the
    e-mailed links keep working: a pack mints only new postal codes)."""
    assert admin("credentials", "postal-pack", admin.slug, str(path)).stdout.strip() == (
        f"wrote {VOTERS} postal codes to {path}")
    with path.open(encoding="utf-8", newline="") as rows:
        return {row["member_number"]: row["postal_code"] for row in csv.DictReader(rows)}


def _type_postal_codes(browser: Any, url: str, codes: dict[str, str], record: Record) -> None:
    """Voters with a paper pack type its code on the code page, as printed or carelessly."""
    page = browser.new_page()
    for typed, (voter, ranking) in zip((_as_printed, _carelessly), TYPED_VOTES.items(),
                                       strict=True):
        page.goto(f"{url}vote/")
        page.fill("#code", typed(codes[voter]))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        record.trackers[voter] = _cast_in_page(page, ranking)
        record.cast[voter] = ranking
    page.close()


def _as_printed(code: str) -> str:
    return code


def _carelessly(code: str) -> str:
    """Lower case, spaces for dashes: the code page forgives both."""
    return code.lower().replace("-", " ")


def _return_postal_batch(admin: Admin, path: Path, codes: dict[str, str],
                         record: Record) -> None:
    """A scrutineer's batch of returned papers: the valid ones are recorded on channel
    post; a code already used online, a withdrawn voter's and a made-up one are refused."""
    rows = [(codes[voter], ranking) for voter, ranking in POSTAL_VOTES.items()]
    rows += [(codes["M2"], [GRACE]), (codes[REVOKED_VOTER], [ADA]),
             ("AAAA-BBBB-CCCC-DDDD", [ADA])]
    path.write_text("postal_code,rank1,rank2,rank3\n" + "".join(
        f"{code},{','.join(ranking)}\n" for code, ranking in rows), encoding="utf-8")
    report = json.loads(admin("postal", "import", admin.slug, str(path), "--json").stdout)
    first_refused = len(POSTAL_VOTES) + 2
    assert (report["rows"], report["recorded"]) == (len(rows), len(POSTAL_VOTES)), report
    assert [r["line"] for r in report["rejected"]] == [first_refused, first_refused + 1,
                                                       first_refused + 2], report
    reasons = [r["reason"] for r in report["rejected"]]
    assert "already" in reasons[0] and "withdrawn" in reasons[1] and "not" in reasons[2], \
        reasons
    record.cast.update(POSTAL_VOTES)


def _cast_in_page(page: Any, ranking: list[str]) -> str:
    """Choose with the pointer, check, cast; the tracker on the receipt."""
    _confirm(page, ranking)
    return _cast(page)


def _confirm(page: Any, ranking: list[str]) -> None:
    """Choose with the pointer and go on to the confirm page, which shows the ranking and,
    once the browser has sealed it, the optional check of the sealing."""
    for rank, name in enumerate(ranking, 1):
        page.select_option(f"#pref-{rank}", label=name)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to check your ballot").click()
    assert page.locator("ol.ranking li").all_text_contents() == [
        f"{ordinal(i)} preference: {name}" for i, name in enumerate(ranking, 1)]
    page.locator("#sealing-check").wait_for(state="visible")


def _cast(page: Any) -> str:
    """Press "Cast my vote": the receipt says the browser sealed the ballot; its tracker."""
    with page.expect_navigation():
        page.get_by_role("button", name="Cast my vote").click()
    assert page.locator("h1").inner_text() == "Your vote has been cast"
    assert page.locator("#sealed-by").inner_text() == BROWSER_SEALED
    return str(page.locator("#tracker").inner_text())


def _check_the_sealing(page: Any, ranking: list[str], saved: Path) -> dict[str, Any]:
    """Press "Check this ballot" once: the browser and the server both confirm the sealed
    ballot holds this ranking; the opened ballot, downloaded, opens to it (Benaloh,
    "Simple verifiable elections", EVT 2006). The page then seals the ranking afresh."""
    words = ", ".join(f"{ordinal(i)} {name}" for i, name in enumerate(ranking, 1))
    page.get_by_role("button", name="Check this ballot").click()
    page.wait_for_function("() => !document.getElementById('sealing-result').hidden")
    assert page.locator("#sealing-confirmations li").all_inner_texts() == [
        f"Your browser confirms that this sealed ballot holds: {words}.",
        f"The server confirms that this sealed ballot holds: {words}."]
    assert page.locator("#sealing-status").inner_text() == (
        f"Your browser and the server both confirm that this sealed ballot holds: {words}.")
    with page.expect_download() as waiting:
        page.locator("#sealing-download").click()
    waiting.value.save_as(saved)
    opened: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
    assert opened["ranking"] == ranking
    assert elgamal.check_opening(bytes.fromhex(opened["election_key"]),
                                 bytes.fromhex(opened["sealed"]), opened["slots"],
                                 opened["width"], [bytes.fromhex(s) for s in opened["scalars"]])
    return opened


def _vote_in_the_browser(browser: Any, url: str, links: dict[str, str], record: Record,
                         folder: Path) -> None:
    page = browser.new_page(accept_downloads=True)
    page.goto(links[KEYBOARD_VOTER])  # keyboard only: skip link, type-ahead, Enter
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    for rank, name in enumerate(KEYBOARD_RANKING, 1):
        page.keyboard.press("Tab")
        assert focused(page)["id"] == f"pref-{rank}"
        page.keyboard.type(name[:3])
    tab_to(page, "Continue to check your ballot")
    submit(page)
    assert page.locator("ol.ranking li").all_text_contents() == [
        f"1st preference: {GRACE}", f"2nd preference: {ADA}"]
    page.locator("#sealing-check").wait_for(state="visible")
    tab_to(page, "Cast my vote")
    submit(page)
    assert page.locator("#sealed-by").inner_text() == BROWSER_SEALED
    record.trackers[KEYBOARD_VOTER] = page.locator("#tracker").inner_text()
    record.cast[KEYBOARD_VOTER] = KEYBOARD_RANKING
    for voter, ranking in BROWSER_VOTES.items():
        page.goto(links[voter])
        _confirm(page, ranking)
        if voter == CHECKING_VOTER:
            folder.mkdir()
            record.audited.append(_check_the_sealing(page, ranking, folder / "opened.json"))
        record.trackers[voter] = _cast(page)
        record.cast[voter] = ranking
    page.goto(links["M2"])
    assert "already been used" in page.locator("main").inner_text()
    page.close()


def _vote_through_the_api(url: str, slug: str, links: dict[str, str], record: Record) -> None:
    for voter, ranking in API_VOTES.items():
        token = links[voter].rstrip("/").rsplit("/", 1)[1]
        status, body = _api(url, f"/api/contests/{slug}/ballots",
                            {"credential": token, "ranking": ranking})
        assert status == 201, body
        record.trackers[voter] = body["tracker"]
        record.cast[voter] = ranking
    status, body = _api(url, f"/api/contests/{slug}/ballots",
                        {"credential": token, "ranking": [ADA]})
    assert status == 409 and "already" in body["message"]


def _reissue(admin: Admin, browser: Any, url: str, slug: str, links: dict[str, str],
             record: Record) -> None:
    """The helpdesk replaces a lost credential: the e-mailed link stops, the new one votes."""
    printed = admin("credentials", "reissue", slug, REISSUED_VOTER).stdout
    code = re.search(r"postal code: (\S+)", printed)
    new_link = re.search(r"url:\s+(\S+)", printed)
    assert code and new_link and new_link[1].startswith(f"{url}vote/{slug}/")
    record.secrets |= {code[1], new_link[1].rstrip("/").rsplit("/", 1)[1]}
    page = browser.new_page()
    old = page.goto(links[REISSUED_VOTER])
    assert old.status == 403
    assert "We do not recognise this code" in page.locator("main").inner_text()
    old_token = links[REISSUED_VOTER].rstrip("/").rsplit("/", 1)[1]
    assert _api(url, f"/api/contests/{slug}/ballots",
                {"credential": old_token, "ranking": [ADA]})[0] == 403
    page.goto(new_link[1])
    record.trackers[REISSUED_VOTER] = _cast_in_page(page, REISSUED_RANKING)
    record.cast[REISSUED_VOTER] = REISSUED_RANKING
    page.goto(f"{url}vote/")  # the new postal code belongs to the same, now used, credential
    page.fill("#code", code[1].lower().replace("-", " "))
    with page.expect_navigation() as typed:
        page.get_by_role("button", name="Continue").click()
    assert typed.value.status == 409
    assert "already been used" in page.locator(".error-summary").inner_text()
    page.close()


def _revoke(admin: Admin, url: str, slug: str, links: dict[str, str], record: Record) -> None:
    """A voter suspended after voting, before the close: their ballot goes (to the board, as
    removed), and their link stops."""
    assert REVOKED_VOTER in record.cast, "the revoked voter has voted"
    done = admin("revoke", slug, REVOKED_VOTER, "--reason", REVOKED_REASON)
    assert done.stdout.strip().endswith("their ballot was removed"), done.stdout
    tracker = record.removed = record.trackers.pop(REVOKED_VOTER)
    del record.cast[REVOKED_VOTER]
    assert _api(url, f"/api/contests/{slug}/board/{tracker}")[0] == 404
    # Refused as withdrawn (403), not as "already voted": that ballot no longer counts.
    assert _status(links[REVOKED_VOTER]) == 403, "a revoked voter cannot vote again"
    token = links[REVOKED_VOTER].rstrip("/").rsplit("/", 1)[1]
    status, body = _api(url, f"/api/contests/{slug}/ballots",
                        {"credential": token, "ranking": [ADA]})
    assert status == 403 and "withdrawn" in str(body), body


def _nothing_in_the_clear(dump: str, log: str, record: Record, ids: dict[str, int],
                          paper: list[str]) -> None:
    """Before the close, neither the database (dumped as a backup would hold it) nor the
    server's log holds a voting secret or a ranking in plain text.

    A ranking of one candidate is not searched for: ``[3]`` or a lone name is everywhere
    (candidate lists, ids). Every longer ranking cast is, in each plain form a program
    would store it in (`ranking_forms`); `_opened_ballots_are_found` shows the same search
    finding them once the count has stored the opened ballots, so it cannot pass by
    looking for the wrong thing."""
    assert len(record.secrets) > VOTERS
    for secret in sorted(record.secrets):
        forms = secret_forms(secret)
        assert not found_in(dump, forms), f"a voting secret is in the database dump: {secret}"
        assert not found_in(log, forms), f"a voting secret is in the server's log: {secret}"
    searched = [r for r in record.cast.values() if len(r) > 1]
    assert len(searched) >= 8
    for ranking in searched:
        forms = ranking_forms(ranking, ids, paper)
        assert not found_in(dump, forms, whole=True), f"{ranking} is in the database dump"
        assert not found_in(log, forms, whole=True), f"{ranking} is in the server's log"
    # The log is not empty: requests that carried a token were logged, with it redacted.
    assert "[redacted]" in log, log
    # The search itself: a ranking written in plain text, as a dump would show it, is found.
    planted = f"INSERT INTO ballot VALUES('{json.dumps([ids[n] for n in searched[0]])}');"
    assert found_in(dump + planted, ranking_forms(searched[0], ids, paper), whole=True)


def _opened_ballots_are_found(dump: str, record: Record, ids: dict[str, int],
                              paper: list[str]) -> None:
    """The positive control: after the count the database holds the opened ballots
    (`OpenedBallot.ranking`, candidate ids), and the search of `_nothing_in_the_clear`
    finds every one of them in a dump."""
    for ranking in record.cast.values():
        if len(ranking) > 1:
            assert found_in(dump, ranking_forms(ranking, ids, paper), whole=True), ranking


def _section_of(voter: str) -> str:
    return "members" if voter.startswith("M") else "supporters"


def _expected(record: Record) -> Expected:
    """What was cast in each section, from the test's record of who voted what."""
    return Expected(
        [ADA, BRIAN, GRACE], SECTIONS,
        {"members": N_MEMBERS, "supporters": N_SUPPORTERS - 1},  # S3 revoked
        {s: [r for v, r in record.cast.items() if _section_of(v) == s] for s in SECTIONS},
        set(record.trackers.values()))
