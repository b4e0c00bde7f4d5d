"""Finding contests and voters by what people type."""

from __future__ import annotations

from psephos.contests.errors import ContestNotFound
from psephos.contests.models import Contest


def get_contest(slug: str) -> Contest:
    """The contest with this slug, or `ContestNotFound` listing the ones there are."""
    try:
        return Contest.objects.get(slug=slug)
    except Contest.DoesNotExist:
        known = list(Contest.objects.order_by("slug").values_list("slug", flat=True)[:20])
        choices = f"; there are: {', '.join(known)}" if known else "; there are none yet"
        raise ContestNotFound(f"no contest {slug!r}{choices}") from None
