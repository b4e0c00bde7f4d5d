"""Finding contests and voters by what people type."""

from __future__ import annotations

import copy

from django.db import connection

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


#: The parts of a contest that never change once it is made, read once per process, by
#: (database, id, creation time): a contest made again with a reused id is another entry.
_FIXED = ("id", "slug", "method", "seats", "created_at")
_TEMPLATES: dict[tuple[str, int, object], Contest] = {}
_TEMPLATES_LIMIT = 1000


def contest_to_cast(slug: str) -> Contest:
    """`get_contest` for the casting path, at a fraction of the cost: one plain query reads
    the contest's id, creation time, state and name, and the fixed rest comes from a copy
    of what was read before. Other fields are deferred, so touching one reads it afresh."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('id')}, {q('created_at')}, {q('state')}, {q('name')} "
                       f"FROM {q(Contest._meta.db_table)} WHERE {q('slug')} = %s", [slug])
        row = cursor.fetchone()
    if row is None:
        return get_contest(slug)  # says which contests there are
    key = (str(connection.settings_dict.get("NAME")), int(row[0]), row[1])
    template = _TEMPLATES.get(key)
    if template is None:
        template = Contest.objects.only(*_FIXED).get(pk=row[0])
        if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
            _TEMPLATES.clear()
        _TEMPLATES[key] = template
    contest = copy.copy(template)  # a model's copy has its own state and field cache
    contest.state, contest.name = row[2], row[3]
    return contest
