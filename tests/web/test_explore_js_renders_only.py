"""No rule or model logic in the explorer's JavaScript: its scripts only draw what the API
answers. Two checks: the scripts name none of the counting rules' arithmetic, and in the
browser, an API answer altered on its way to the page (numbers no rule would give) is
drawn exactly as altered, so nothing was recomputed from the inputs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.web.browser import chromium, require_browser
from tests.web.declared_contest import SLUG, serve_declared
from tests.web.live import LiveServer

SCRIPTS = REPO / "src" / "psephos" / "explore" / "static" / "explore"
#: What a script computing a count or a pact would have to name: quotas and transfer
#: values (STV), divisors and quotients (d'Hondt, Sainte-Laguë), swing and transfer rates
#: (the pact model), exclusions and surpluses.
RULE_WORDS = re.compile(
    r"\b(droop|hare|hondt|sainte|lague|meek|divisor|quotient|surplus|exclu\w*|swing|"
    r"transfer_?rate|transferValue|elect\w*\s*\()", re.IGNORECASE)
PACT = ("explore/pact?election=ge2019&alliance=lab&alliance=ld&alliance=green&alliance=snp"
        "&alliance=pc&stand_aside=best-placed")


def _own_scripts() -> list[Path]:
    return sorted(p for p in SCRIPTS.rglob("*.js") if "vendor" not in p.parts)


def test_the_explorer_scripts_name_no_counting_arithmetic() -> None:
    scripts = _own_scripts()
    assert {p.name for p in scripts} >= {"pact.js", "transfers.js", "hexmap.js"}
    found = {}
    for script in scripts:
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", script.read_text(encoding="utf-8"), flags=re.S)
        strings = re.sub(r"`[^`]*`|\"[^\"\n]*\"|'[^'\n]*'", '""', code)  # words shown, not run
        hits = sorted({m.group(0) for m in RULE_WORDS.finditer(strings)})
        if hits:
            found[script.name] = hits
    assert found == {}
    # Each script asks the server only for what the page names (data-api, data-flows-url).
    fetches = {p.name: re.findall(r"fetch\(([^,)]+)", p.read_text(encoding="utf-8"))
               for p in scripts}
    assert fetches["pact.js"] == ["`${api}?${query}`"]
    assert fetches["transfers.js"] == ["figure.dataset.flowsUrl"]


def test_the_check_would_see_a_rule(tmp_path: Path) -> None:
    """The words above do appear where counting is done: in the Python rules."""
    rules = (REPO / "src" / "psephos" / "rules").rglob("*.py")
    assert any(RULE_WORDS.search(p.read_text(encoding="utf-8")) for p in rules)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, uk_data: Path) -> Iterator[LiveServer]:
    require_browser()
    mirror = str(uk_data / "raw")
    with serve_declared(tmp_path_factory.mktemp("renders"), PSEPHOS_MIRROR=mirror) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server: LiveServer) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.mark.browser
def test_the_pact_builder_draws_the_answer_it_is_given(server: LiveServer,
                                                       browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + PACT)
    altered: dict[str, Any] = {}

    def alter(route: Any) -> None:
        data = route.fetch().json()
        con = next(row for row in data["parties"] if row["party"] == "con")
        con["after"] = 999  # no scenario gives 999 of 650 seats
        data["flips"] = [dict(flip, margin_before=12_345) for flip in data["flips"][:2]]
        data["seats"][0] = dict(data["seats"][0], fill="#123456", flipped=True,
                                title="Altered on its way")
        altered.update(data)
        route.fulfill(json=data)

    page.route(lambda url: "/api/explore/pact?" in url, alter)
    page.focus("#transfer-green")
    page.keyboard.press("Home")
    page.wait_for_function(
        """() => document.querySelector('#pact-totals tr[data-party="con"] .seats-after')
                 .textContent === '999'""")
    assert page.eval_on_selector_all("#pact-flips tbody tr", "rows => rows.length") == 2
    margins = page.eval_on_selector_all("#pact-flips [data-margin]",
                                        "cells => cells.map(c => c.textContent)")
    assert margins == ["12345", "12345"]
    seat = altered["seats"][0]["id"]
    hex_ = page.locator(f"#hex-{seat}")
    assert hex_.locator(".hex-fill").get_attribute("fill") == "#123456"
    assert hex_.get_attribute("aria-label") == "Altered on its way"
    assert hex_.locator(".hex-mark").count() == 1
    page.close()


@pytest.mark.browser
def test_the_transfer_chart_draws_the_flows_it_is_given(server: LiveServer,
                                                        browser: Any) -> None:
    page = browser.new_page()
    sent: dict[str, Any] = {}

    def alter(route: Any) -> None:
        data = route.fetch().json()
        for node in data["nodes"]:
            node["votes"] = str(int(float(node["votes"])) * 7 + 3)  # no count gives these
        for flow in data["flows"]:
            flow["votes"] = str(int(float(flow["votes"])) * 7 + 3)
        sent.update(data)
        route.fulfill(json=data)

    page.route(f"**/contests/{SLUG}/declaration/flows.json", alter)
    page.goto(f"{server.url}contests/{SLUG}/declaration")
    page.wait_for_selector("figure[data-drawn=true] svg.transfers")
    drawn = page.eval_on_selector_all(
        "svg.transfers rect[data-node]", "rs => rs.map(r => [r.dataset.node, r.dataset.votes])")
    assert sent["nodes"] and drawn == [[n["id"], n["votes"]] for n in sent["nodes"]]
    bands = page.eval_on_selector_all("svg.transfers path.flow",
                                      "ps => ps.map(p => p.dataset.votes)")
    assert bands == [f["votes"] for f in sent["flows"]]
    titles = page.eval_on_selector_all("svg.transfers rect[data-node] title",
                                       "ts => ts.map(t => t.textContent)")
    assert all(f": {n['votes']} votes" in t for n, t in zip(sent["nodes"], titles, strict=True))
    assert json.dumps(sent)  # the answer was altered, not passed through
    page.close()
