"""The pact builder in headless chromium against the real server (`psephos serve`).

Every figure the page should show is computed here by ``psephos pact`` on the same
scenario and the same real results (the data mirror); the issue's figures for its GE2019
scenario (Con 300, 65 seats change hands) are checked against the command line too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from psephos.cli.main import app
from tests.web.axe_check import blocking_violations
from tests.web.browser import chromium, focused
from tests.web.live import LiveServer, serve

ALLIANCE = "lab,ld,green,snp,pc"
ISSUE = ("explore/pact?election=ge2019&alliance=lab&alliance=ld&alliance=green&alliance=snp"
         "&alliance=pc&stand_aside=best-placed")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def mirror(uk_data: Path) -> Path:
    return uk_data / "raw"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "PSEPHOS_DATA_DIR": str(folder), "PSEPHOS_MIRROR": str(mirror)}
    env.pop("PSEPHOS_DATABASE_URL", None)
    with serve(f"sqlite:///{folder / 'explore.sqlite3'}", env) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    opened = context.new_page()
    errors: list[str] = []
    # Not errors: the site has no favicon, and a page asked for badly answers 400.
    expected = ("/favicon.ico", "/explore/pact?")
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" and not any(
        e in m.location.get("url", "") for e in expected) else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert errors == [], errors  # no script error, no refused policy


def cli_json(mirror: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["pact", *args, "--json", "--mirror", str(mirror)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def scenario_file(folder: Path, green: float) -> Path:
    path = folder / f"green-{green}.toml"
    path.write_text(f'election = "ge2019"\nalliance = {json.dumps(ALLIANCE.split(","))}\n'
                    f"[transfer.from.green]\nally = {green!r}\n", encoding="utf-8")
    return path


def shown_totals(page: Any) -> dict[str, int]:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => Object.fromEntries([...document.querySelectorAll('#pact-totals tbody tr')]
             .map(r => [r.dataset.party, Number(r.querySelector('.seats-after').textContent)]))""")


def shown_flips(page: Any) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        "#pact-flips tbody tr", "rows => rows.map(r => r.dataset.id)")


def expected_totals(data: dict[str, Any]) -> dict[str, int]:
    return {p: n for p, n in data["seats"].items() if n or data["seats_before"][p]}


def wait_for_con(page: Any, seats: int) -> None:
    page.wait_for_function(
        """n => Number(document.querySelector('#pact-totals tr[data-party="con"] .seats-after')
                .textContent) === n""", arg=seats)


def test_the_issue_scenario_shows_con_300_and_65_flips(server: LiveServer, page: Any,
                                                       mirror: Path) -> None:
    expected = cli_json(mirror, "ge2019", "--alliance", ALLIANCE, "--stand-aside",
                        "best-placed", "--transfer", "1")
    assert expected["seats"]["con"] == 300 and len(expected["flips"]) == 65  # the issue's
    page.goto(server.url + ISSUE)
    assert shown_totals(page) == expected_totals(expected)
    assert shown_totals(page)["con"] == 300
    assert shown_flips(page) == [f["id"] for f in expected["flips"]]
    assert page.locator("#pact-map a.hex-flipped").count() == 65
    assert page.locator("#pact-map a").count() == 650


def test_green_slider_to_zero_then_reload_then_downloads(server: LiveServer, page: Any,
                                                         mirror: Path, tmp_path: Path) -> None:
    expected = cli_json(mirror, "--scenario", str(scenario_file(tmp_path, 0.0)))
    assert expected["seats"]["con"] != 300
    page.goto(server.url + ISSUE)
    page.focus("#transfer-green")
    page.keyboard.press("Home")  # the slider's minimum: no Green vote transfers
    wait_for_con(page, expected["seats"]["con"])
    assert page.locator("#transfer-green-shown").inner_text() == "0 %"
    assert shown_totals(page) == expected_totals(expected)
    assert shown_flips(page) == [f["id"] for f in expected["flips"]]
    assert page.locator("#pact-map a.hex-flipped").count() == len(expected["flips"])
    page.wait_for_function("() => location.search.includes('transfer_green=0')")
    assert parse_qs(urlsplit(page.url).query)["transfer_green"] == ["0"]
    # The address is the scenario: reloading it draws the identical result on the server.
    totals, flips = shown_totals(page), shown_flips(page)
    page.reload()
    assert shown_totals(page) == totals and shown_flips(page) == flips
    assert float(page.locator("#transfer-green").input_value()) == 0.0
    # The TOML download, run by the command line, gives the page's JSON download exactly.
    with page.expect_download() as toml:
        page.click("#download-toml")
    with page.expect_download() as result:
        page.click("#download-json")
    scenario = tmp_path / "downloaded.toml"
    toml.value.save_as(scenario)
    run = CliRunner().invoke(app, ["pact", "--scenario", str(scenario), "--json", "--mirror",
                                   str(mirror)])
    assert run.exit_code == 0, run.output
    assert Path(result.value.path()).read_text(encoding="utf-8") == run.output
    assert json.loads(run.output)["seats"] == expected["seats"]


def test_draws_show_the_cli_intervals_and_the_flips_sort_by_name(server: LiveServer, page: Any,
                                                                 mirror: Path) -> None:
    expected = cli_json(mirror, "ge2019", "--alliance", ALLIANCE, "--draws", "200", "--seed", "0")
    page.goto(server.url + ISSUE)
    page.fill("#draws", "200")
    page.wait_for_function("() => document.querySelector('#pact-draws').textContent"
                           ".startsWith('200 draws')")
    ranges = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        '#pact-totals tbody tr')].map(r => [r.dataset.party, r.cells[4].textContent]))""")
    assert ranges == {p: f"{low}–{high}" for p, (low, high) in expected["intervals"].items()
                      if p in ranges}
    assert ranges["con"] != "no draws"
    page.click("a[data-sort=name]")
    names = page.eval_on_selector_all("#pact-flips tbody th",
                                      "cells => cells.map(c => c.textContent)")
    assert len(names) == 65 and names == sorted(names, key=str.casefold)
    # Any seat, not only the flips, from the list of every constituency.
    page.select_option("#explain-seat", label="Chorley")
    page.wait_for_function("() => document.querySelector('#explain-heading').textContent"
                           " === 'Chorley, step by step'")
    assert f"explain={page.input_value('#explain-seat')}" in page.url


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "390px"])
def test_no_blocking_accessibility_violations(server: LiveServer, page: Any,
                                              viewport: dict[str, int] | None) -> None:
    if viewport is not None:
        page.set_viewport_size(viewport)
    page.goto(server.url + ISSUE + "&draws=200&explain=Bury+North")
    assert page.locator("#explain-heading").inner_text() == "Bury North, step by step"
    assert blocking_violations(page) == []
    page.goto(server.url + ISSUE + "&draws=lots")
    assert "draws: expected a whole number" in page.locator("#pact-problem").inner_text()
    assert blocking_violations(page) == []


def test_a_keyboard_walk(server: LiveServer, page: Any, mirror: Path, tmp_path: Path) -> None:
    expected = cli_json(mirror, "--scenario", str(scenario_file(tmp_path, 0.95)))
    page.goto(server.url + ISSUE)
    seen: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.append(focused(page)["id"])
        if seen[-1] == "transfer-green":
            break
    assert seen[-1] == "transfer-green", seen
    order = [seen.index(i) for i in ("election", "scope", "ally-lab", "transfer-lab",
                                     "ally-green", "transfer-green")]
    assert order == sorted(order)
    assert focused(page)["outline"] != "none"  # focus is visible
    page.keyboard.press("ArrowLeft")  # 100 % -> 95 %
    assert page.locator("#transfer-green-shown").inner_text() == "95 %"
    wait_for_con(page, expected["seats"]["con"])
    assert shown_totals(page) == expected_totals(expected)
    first = expected["flips"][0]
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.explain") == first["id"]:
            break
    else:
        raise AssertionError("Tab never reached the first seat in the flip list")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "name => document.querySelector('#explain-heading').textContent"
        " === name + ', step by step'",
        arg=first["constituency"])
    assert focused(page)["id"] == "explain"
    assert f"explain={first['id']}" in page.url
    assert blocking_violations(page) == []  # what the script drew, too
