"""A small accessibility check of a page's HTML: what a screen reader or keyboard needs."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.described: list[str] = []
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.post_forms = 0
        self.csrf_fields = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        for ref in a.get("aria-describedby", "").split():
            self.described.append(ref)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        elif tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        elif tag in {"select", "textarea"} or (
                tag == "input" and a.get("type", "text") not in UNLABELLED_TYPES):
            self.controls.append({"tag": tag, **a})
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self.links.append(a.get("href", ""))
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self.post_forms += 1
        if tag == "input" and a.get("name") == "csrfmiddlewaretoken":
            self.csrf_fields += 1


def problems(html: str) -> list[str]:
    """Every accessibility problem found; an empty list for a page that passes."""
    page = _Page()
    page.feed(html)
    found = []
    if not page.lang:
        found.append("<html> has no lang attribute")
    if not page.links or page.links[0] != "#main" or "main" not in page.ids:
        found.append("the first link is not a skip link to #main")
    if page.headings.count(1) != 1 or (page.headings and page.headings[0] != 1):
        found.append(f"the page must start with its one <h1>: headings {page.headings}")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            found.append(f"heading level jumps from h{before} to h{after}")
    for control in page.controls:
        named = control.get("aria-label") or control.get("aria-labelledby")
        if not named and control.get("id") not in page.label_for:
            found.append(f"<{control['tag']} name={control.get('name')!r}> has no label")
    for ref in page.described:
        if ref not in page.ids:
            found.append(f"aria-describedby points at missing id {ref!r}")
    duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
    if duplicates:
        found.append(f"duplicate ids {duplicates}")
    for image in page.images:
        if "alt" not in image:
            found.append(f"<img src={image.get('src')!r}> has no alt text")
    if page.csrf_fields < page.post_forms:
        found.append("a POST form has no CSRF token")
    return found
