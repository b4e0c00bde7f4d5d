"""A whole members' ballot through the real server, the real pages and the command line.

Define from TOML; import each section's roll (bad rows reported, a broken file refused
whole); nominate to the threshold and consent; open; e-mail the credentials through the
outbox to a local SMTP sink and read the links out of the messages; vote in headless
chromium (one voter with the keyboard only) and through the API; a helpdesk reissue; a
revocation; close, count, read the declaration page; export, and recount the exported
files section by section with `psephos.rules`. On SQLite, and on PostgreSQL when
``PSEPHOS_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from psephos.contests.views.forms import ordinal
from tests.web.browser import chromium, focused, require_browser, submit, tab_to
from tests.web.databases import BACKENDS, fresh_database, using_database
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
MEMBERS = HEADER + "".join(f"M{i},Member {i},m{i}@example.org,2025-05-0{i},yes,,no\n"
                           for i in range(1, 9)) + (
    "M90,Late Joiner,late@example.org,2026-03-01,yes,,no\n"
    "M91,Owes Fees,owes@example.org,2025-01-01,no,,no\n"
    "M92,Bad Address,not-an-address,2025-01-01,yes,,no\n"
    "M93,Suspended Person,susp@example.org,2025-01-01,yes,,yes\n")
SUPPORTERS = HEADER + "".join(f"S{i},Supporter {i},s{i}@example.org,2026-06-10,,2026-06-1{i},\n"
                              for i in range(1, 7)) + (
    "S90,Too Late,toolate@example.org,2026-06-10,,2026-07-05,\n"
    "S91,Member Too,m1@example.org,2026-06-10,,2026-06-10,\n")
MEMBERS_REJECTED = [
    (10, "joined 2026-03-01, after the freeze date 2026-01-01"),
    (11, "arrears not paid"),
    (12, "email: 'not-an-address' is not an e-mail address"),
    (13, "suspended"),
]
SUPPORTERS_REJECTED = [
    (8, "fee paid on 2026-07-05, outside the window 2026-06-01 to 2026-06-30"),
]

#: Who votes how, and where: chromium (keyboard only, or pointer), a typed code, the API.
BROWSER_VOTES = {"M2": [ADA], "M3": [BRIAN, GRACE], "S1": [ADA, BRIAN, GRACE]}
API_VOTES = {"M5": [ADA, GRACE], "M6": [BRIAN], "S2": [GRACE, BRIAN], "S3": [BRIAN, ADA],
             "S4": [ADA], "S5": [GRACE, ADA, BRIAN]}
KEYBOARD_VOTER, KEYBOARD_RANKING = "M1", [GRACE, ADA]
REISSUED_VOTER, REISSUED_RANKING = "M4", [GRACE]
REVOKED_VOTER = "S3"


@dataclass
class Record:
    """What the test did, to check the declaration and the published files against."""

    cast: dict[str, list[str]] = field(default_factory=dict)
    trackers: dict[str, str] = field(default_factory=dict)


class Admin:
    """`psephos contest --database URL ...` in a child process, as an administrator runs it."""

    def __init__(self, database: str, env: dict[str, str], slug: str) -> None:
        self.database, self.env, self.slug = database, env, slug

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "psephos", "contest", "--database",
                               self.database, *args], env=self.env, capture_output=True,
                              text=True, timeout=180, check=False)
        if ok:
            assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done


def _decrypt(admin: Admin, slug: str, tmp_path: Path) -> None:
    """Shuffle, then two of the three trustees decrypt each section on "their machines"."""
    admin("shuffle", slug)
    admin("decryption-request", slug, str(tmp_path / "requests"))
    shares = []
    for trustee in (1, 3):
        for request in sorted((tmp_path / "requests").glob("request-*.json")):
            out = tmp_path / f"shares-{trustee}-{request.name}"
            done = subprocess.run([sys.executable, "-m", "psephos", "trustee", "decrypt",
                                   str(tmp_path / "trustees" / f"trustee-{trustee}.json"),
                                   str(request), "--out", str(out)], env=admin.env,
                                  capture_output=True, text=True, timeout=180, check=False)
            assert done.returncode == 0, done.stderr
            shares.append(str(out))
    admin("decrypt", slug, *shares)


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
                   # One audit log, one signing key: this process writes to it too.
                   PSEPHOS_AUDIT_KEY_FILE=_audit_key_file(database))
        admin = Admin(database, env, slug)
        _define_and_import(admin, tmp_path)
        _nominate(database, slug)
        admin("trustees", "local", slug, "--trustees", "3", "--threshold", "2", "--out-dir",
              str(tmp_path / "trustees"))
        opened = admin("open", slug)
        assert opened.stdout.strip() == f"{slug} is open; on the ballot: {ADA}, {BRIAN}, {GRACE}"
        links = _mail_credentials(admin, sink, url)
        record = Record()
        with serve(database, env, port=port, workers=2) as live, chromium() as browser:
            _vote_in_the_browser(browser, live.url, links, record)
            _vote_through_the_api(live.url, slug, links, record)
            _reissue(admin, browser, live.url, slug, links, record)
            _revoke(admin, live.url, slug, links, record)
            for tracker in record.trackers.values():
                assert _api(live.url, f"/api/contests/{slug}/board/{tracker}")[0] == 200

            closed = admin("close", slug)
            assert closed.stdout.strip() == f"{slug} is closed: {len(record.cast)} ballots"
            _decrypt(admin, slug, tmp_path)
            declared = json.loads(admin("count", slug, "--json").stdout)
            expected = _expected(record)
            _check_declaration(declared, expected)
            _check_declaration_page(browser, live.url, slug, expected)
            _check_downloads(live.url, slug, tmp_path / "downloads", record)
        _check_export(admin, tmp_path / "record", declared, record)
        assert admin("verify-log").stdout.startswith("audit log intact: ")


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

    for section, text, rejected, accepted in (("members", MEMBERS, MEMBERS_REJECTED, 8),
                                              ("supporters", SUPPORTERS, SUPPORTERS_REJECTED,
                                               6)):
        roll = folder / f"{section}.csv"
        roll.write_text(text, encoding="utf-8")
        report = json.loads(admin("electorate", "import", admin.slug, str(roll), "--section",
                                  section, "--json").stdout)
        assert [(r["line"], r["reason"]) for r in report["rejected"]] == rejected
        assert report["accepted"] == accepted
        if section == "supporters":
            assert [(d["line"], d["member_number"], d["kept"])
                    for d in report["duplicates"]] == [(9, "S91", "members")]


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
    assert admin("credentials", "issue", admin.slug).stdout.startswith("issued 14 credentials")
    assert admin("credentials", "mail", admin.slug).stdout.strip() == "queued 14 ballot e-mails"
    sent = admin("mail", "send").stdout.strip()
    assert sent == "sent 14; outbox: 0 queued, 14 sent, 0 failed", sent
    pattern = re.compile(rf"{re.escape(url)}vote/{admin.slug}/[A-Za-z0-9_-]+/")
    by_address = {}
    for message in sink.messages:
        assert message["Subject"].startswith("Your ballot")
        found = pattern.findall(message.get_content())
        assert len(found) == 1, message.get_content()
        by_address[message["To"]] = found[0]
    assert len(by_address) == 14
    return {address.split("@")[0].upper(): link for address, link in by_address.items()}


def _cast_in_page(page: Any, ranking: list[str]) -> str:
    """Choose with the pointer, check, cast; the tracker on the receipt."""
    for rank, name in enumerate(ranking, 1):
        page.select_option(f"#pref-{rank}", label=name)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue to check your ballot").click()
    assert page.locator("ol.ranking li").all_text_contents() == [
        f"{ordinal(i)} preference: {name}" for i, name in enumerate(ranking, 1)]
    with page.expect_navigation():
        page.get_by_role("button", name="Cast my vote").click()
    assert page.locator("h1").inner_text() == "Your vote has been cast"
    return str(page.locator("#tracker").inner_text())


def _vote_in_the_browser(browser: Any, url: str, links: dict[str, str], record: Record) -> None:
    page = browser.new_page()
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
    tab_to(page, "Cast my vote")
    submit(page)
    record.trackers[KEYBOARD_VOTER] = page.locator("#tracker").inner_text()
    record.cast[KEYBOARD_VOTER] = KEYBOARD_RANKING
    for voter, ranking in BROWSER_VOTES.items():
        page.goto(links[voter])
        record.trackers[voter] = _cast_in_page(page, ranking)
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
    """A voter suspended before the close: their ballot goes, and their link stops."""
    done = admin("revoke", slug, REVOKED_VOTER, "--reason", "suspended by the council")
    assert done.stdout.strip().endswith("their ballot was removed"), done.stdout
    tracker = record.trackers.pop(REVOKED_VOTER)
    del record.cast[REVOKED_VOTER]
    assert _api(url, f"/api/contests/{slug}/board/{tracker}")[0] == 404
    # Refused as withdrawn (403), not as "already voted": that ballot no longer counts.
    assert _status(links[REVOKED_VOTER]) == 403, "a revoked voter cannot vote again"
    token = links[REVOKED_VOTER].rstrip("/").rsplit("/", 1)[1]
    status, body = _api(url, f"/api/contests/{slug}/ballots",
                        {"credential": token, "ranking": [ADA]})
    assert status == 403 and "withdrawn" in str(body), body


@dataclass(frozen=True)
class Expected:
    electorate: dict[str, int]
    ballots: dict[str, int]
    votes: dict[str, dict[str, int]]


def _expected(record: Record) -> Expected:
    """Each section's electorate, ballots and first preferences, from what the test did."""
    electorate = {"members": 8, "supporters": 6 - 1}  # S3 revoked
    section = {voter: "members" if voter.startswith("M") else "supporters"
               for voter in record.cast}
    ballots = Counter(section.values())
    votes = {s: {name: 0 for name in (ADA, BRIAN, GRACE)} for s in SECTIONS}
    for voter, ranking in record.cast.items():
        votes[section[voter]][ranking[0]] += 1
    return Expected(electorate, {s: ballots[s] for s in SECTIONS}, votes)


def _turnout(ballots: int, electorate: int) -> str:
    return str((Decimal(100 * ballots) / electorate).quantize(Decimal("0.1")))


def _check_declaration(declared: dict[str, Any], expected: Expected) -> None:
    assert declared["elected"] == [GRACE]
    assert declared["electorate"] == sum(expected.electorate.values()) == 13
    assert declared["ballots"] == sum(expected.ballots.values()) == 10
    for section in declared["sections"]:
        slug = section["slug"]
        assert (section["electorate"], section["ballots"], section["votes"]) == (
            expected.electorate[slug], expected.ballots[slug], expected.votes[slug])
        assert section["turnout"] == _turnout(expected.ballots[slug], expected.electorate[slug])


def _check_declaration_page(browser: Any, url: str, slug: str, expected: Expected) -> None:
    """Totals and each section as a visitor reads them in the first-preferences table."""
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    assert page.goto(f"{url}contests/{slug}/declaration").status == 200
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0
    assert page.locator(".panel").inner_text().strip() == f"Elected: {GRACE}"
    summary = dict(zip(page.locator("dl.summary dt").all_inner_texts(),
                       page.locator("dl.summary dd").all_inner_texts(), strict=True))
    assert (summary["Electorate"], summary["Ballots returned"], summary["Turnout"]) == (
        "13", "10", f"{_turnout(10, 13)}%")
    table = page.locator("table", has=page.locator("caption", has_text="First preferences"))
    rows = {r[0]: r[1:] for r in table.evaluate(
        "t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim()))")}
    assert rows["Candidate"] == [*SECTIONS.values(), "Total", "Share"]
    order = list(SECTIONS)
    for name in (ADA, BRIAN, GRACE):
        per_section = [expected.votes[s][name] for s in order]
        assert rows[name][:3] == [str(n) for n in (*per_section, sum(per_section))]
    assert rows["Ballots returned"][:3] == [str(expected.ballots[s]) for s in order] + ["10"]
    assert rows["Electorate"][:3] == [str(expected.electorate[s]) for s in order] + ["13"]
    assert rows["Turnout"][:3] == [
        f"{_turnout(expected.ballots[s], expected.electorate[s])}%" for s in order] + [
        f"{_turnout(10, 13)}%"]
    chart = page.goto(f"{url}contests/{slug}/declaration/chart.svg")
    assert chart.status == 200 and chart.headers["content-type"] == "image/svg+xml"
    assert refused == [], "nothing on the page is refused by the Content-Security-Policy"
    page.close()


def _check_downloads(url: str, slug: str, folder: Path, record: Record) -> None:
    """The files the declaration page links to hold the ballots cast, section by section."""
    from psephos.ballots.csv_ballots import read_csv_ballots

    folder.mkdir()
    for section in SECTIONS:
        with urllib.request.urlopen(f"{url}contests/{slug}/published/ballots-{section}.csv",
                                    timeout=30) as response:
            path = folder / f"{section}.csv"
            path.write_bytes(response.read())
        cast = Counter(tuple(r) for v, r in record.cast.items()
                       if (v[0] == "M") == (section == "members"))
        assert _rankings(read_csv_ballots(path)) == cast


def _check_export(admin: Admin, folder: Path, declared: dict[str, Any], record: Record) -> None:
    """The exported ballots are the ballots cast, and recounted by `psephos.rules` they give
    the declaration overall and in every section, round by round."""
    from psephos.ballots.csv_ballots import read_csv_ballots
    from psephos.rules.registry import count as run_count

    admin("export", admin.slug, str(folder))
    overall = run_count(read_csv_ballots(folder / "ballots.csv"), "av", 1)
    assert overall.elected_names == declared["elected"]
    assert [dict(zip(overall.candidates, map(int, s.tallies), strict=True))
            for s in overall.stages] == [r["tallies"] for r in declared["rounds"]]
    exclusions = [list(s.excluded) for s in overall.stages]
    for section in declared["sections"]:
        profile = read_csv_ballots(folder / f"ballots-{section['slug']}.csv")
        cast = Counter(tuple(r) for v, r in record.cast.items()
                       if (v[0] == "M") == (section["slug"] == "members"))
        assert _rankings(profile) == cast, "the published ballots are the ballots cast"
        alone = run_count(profile, "av", 1)
        assert dict(zip(alone.candidates, map(int, alone.stages[0].tallies), strict=True)) \
            == section["votes"]
        assert profile.n_ballots == section["ballots"]
        assert _section_rounds(profile, exclusions) == [
            (r["tallies"], r["exhausted"]) for r in section["rounds"]]
    trackers = (folder / "trackers.txt").read_text().split()
    assert trackers == sorted(record.trackers.values())


def _rankings(profile: Any) -> Counter[tuple[str, ...]]:
    names = profile.candidates
    return Counter({tuple(names[c] for c in ranking): int(weight)
                    for ranking, weight in profile.iter_rankings()})


def _section_rounds(profile: Any, exclusions: list[list[int]]
                    ) -> list[tuple[dict[str, int], int]]:
    """A section's ballots at each stage of the overall count: each with its highest
    continuing preference, found by `psephos.rules.preferences.next_preference`."""
    from psephos.rules.preferences import next_preference

    n = profile.n_candidates
    live = np.ones(n + 1, dtype=bool)
    live[n] = False
    rows = np.arange(profile.rankings.shape[0], dtype=np.int64)
    out = []
    for excluded in exclusions:
        live[excluded] = False
        _, current = next_preference(profile.rankings, rows, np.full(rows.size, -1), live)
        held = current >= 0
        tallies = np.bincount(current[held], weights=profile.weights[held], minlength=n)
        out.append(({name: int(t) for name, t in zip(profile.candidates, tallies, strict=True)},
                    int(profile.weights[~held].sum())))
    return out
