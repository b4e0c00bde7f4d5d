"""Screenshots of the explorer's pages, desktop and phone, for the docs and the README.

Run from the repository root (needs Debian's chromium and the real data folder):

    .venv/bin/python docs/screenshots/take.py

It makes the demonstration contest on a temporary database, with 600 of its voters
voting, closes, decrypts and counts it (so that it has a declaration), starts
`psephos serve` there with official results read from ``$PSEPHOS_DATA/uk`` (default
``../shared/data/uk``), opens each page in headless chromium at 1280 and 390 pixels wide,
waits for its charts and writes ``docs/screenshots/*.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.web.browser import chromium  # noqa: E402
from tests.web.live import serve  # noqa: E402

OUT = Path(__file__).resolve().parent
#: (file name, path, what to wait for before the picture is taken)
PAGES = (
    ("explore", "explore/", "main h1"),
    ("count", "explore/count", "main h1"),
    ("count-result", "explore/count", "main h1"),
    ("results-ge2019", "explore/results/ge2019", "svg.hexmap"),
    ("results-constituency", "explore/results/ge2019/E14000530", "main h1"),
    ("results-sp2016", "explore/results/sp2016", "main h1"),
    ("pact", "explore/pact?election=ge2019&alliance=lab&alliance=ld&alliance=green"
             "&alliance=snp&alliance=pc&stand_aside=best-placed&explain=E14000530",
     "svg.hexmap"),
)
VIEWPORTS = (("desktop", 1280, 900), ("mobile", 390, 844))


def main() -> None:
    data = Path(os.environ.get("PSEPHOS_DATA", REPO.parent / "shared" / "data"))
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PSEPHOS_DATA_DIR": folder,
               "PSEPHOS_MIRROR": str(data / "uk" / "raw"),
               "PSEPHOS_CACHE": str(Path(folder) / "cache")}
        env.pop("PSEPHOS_DATABASE_URL", None)
        database = f"sqlite:///{folder}/shots.sqlite3"
        slug = _declared_demo(database, folder)
        with serve(database, env) as live, chromium() as browser:
            pages = (*PAGES, ("declaration", f"contests/{slug}/declaration", "main h1"))
            for name, path, ready in pages:
                for kind, width, height in VIEWPORTS:
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(live.url + path.lstrip("/"))
                    page.wait_for_selector(ready)
                    if name == "count-result":  # the shipped example ward, counted
                        page.select_option("#id_example", index=1)
                        page.click("button[value=page]")
                        page.wait_for_selector("figure[data-drawn=true]")
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"{name}-{kind}.png"
                    page.screenshot(path=str(target), full_page=kind == "desktop")
                    page.close()
                    print(target.relative_to(REPO))


def _declared_demo(database: str, folder: str) -> str:
    """The demonstration contest, voted in, closed, decrypted and counted; its slug."""
    import json

    os.environ["PSEPHOS_DATA_DIR"] = folder
    from psephos.web import setup

    setup(database)
    from psephos.contests.counting import count_contest
    from psephos.contests.demo import create_demo, demo_trustee_folder
    from psephos.contests.lifecycle import close_contest
    from psephos.contests.mixing import mix_contest, requests_of
    from psephos.contests.opening import add_shares
    from psephos.crypto.decryption import decrypt_shares

    contest = create_demo(voters=1000, turnout=0.6)
    close_contest(contest, actor="screenshots")
    mix_contest(contest, actor="screenshots")
    for path in sorted(demo_trustee_folder(contest).glob("trustee-*.json"))[:2]:
        private = json.loads(path.read_text(encoding="utf-8"))
        for request in requests_of(contest):
            add_shares(contest, decrypt_shares(private, request.request), actor="screenshots")
    count_contest(contest, actor="screenshots")
    from django.db import connections

    connections.close_all()
    return str(contest.slug)


if __name__ == "__main__":
    main()
