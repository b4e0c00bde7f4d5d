"""Every schema in the API's OpenAPI document is the one its operations answer with.

django-ninja names a schema component after its class; two classes of one name (the
members' ballot's candidates and the explorer's seat candidates were both
``CandidateOut``) share one component, and one operation's answers then violate the
document (schemathesis in make reliability)."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _schemas() -> list[type[Schema]]:
    import psephos.web.urls  # noqa: F401  (every router mounted)

    found: list[type[Schema]] = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("psephos."):
            found.append(cls)
    return found


def test_no_two_schemas_share_a_component_name() -> None:
    by_name: dict[str, list[type[Schema]]] = defaultdict(list)
    for cls in _schemas():
        by_name[cls.__name__].append(cls)
    assert len(by_name) > 10
    clashes = {name: [f"{c.__module__}.{c.__qualname__}" for c in classes]
               for name, classes in by_name.items()
               if len({repr(c.model_json_schema()) for c in classes}) > 1}
    assert clashes == {}


def test_the_document_holds_each_operations_own_schema() -> None:
    from psephos.contests.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    candidates = components["CandidateOut"]["properties"]
    assert set(candidates) == {"name", "incumbent"}  # the members' ballot's candidates
    assert "party_code" in components["SeatCandidateOut"]["properties"]
