"""Words for the pages: counting methods as voters know them."""

from __future__ import annotations

METHOD_NAMES = {
    "plurality": "first past the post",
    "av": "the alternative vote",
    "sv": "the supplementary vote",
    "stv-scotland": "the single transferable vote (Scottish rules)",
    "wigm": "the single transferable vote (weighted inclusive Gregory)",
    "meek": "the single transferable vote (Meek)",
    "dhondt": "the D'Hondt method",
    "sainte-lague": "the Sainte-Laguë method",
}


def method_name(method: str) -> str:
    return METHOD_NAMES.get(method, method)
