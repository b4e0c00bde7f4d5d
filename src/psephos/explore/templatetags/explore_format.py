"""Number formats of the explorer's pages: thousands separated, shares to one decimal."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value: int | None) -> str:
    """12,345 (blank for None)."""
    return "" if value is None else f"{int(value):,}"


@register.filter
def percent(value: float | None) -> str:
    """A percentage to one decimal place, "45.6%" (blank for None)."""
    return "" if value is None else f"{value:.1f}%"


@register.filter
def signed(value: int | None) -> str:
    """A change with its sign, "+48", "−10", "0" (blank for None)."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else "0"
