"""Words for the pages: counting methods as voters know them, from the rule registry."""

from __future__ import annotations

from psephos.rules.registry import RULES


def method_name(method: str) -> str:
    entry = RULES.get(method)
    return entry.label if entry is not None else method
