"""The JSON view: exact figures from a real count, and the documented schema holds."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from psephos.count import NON_TRANSFERABLE, ROUNDING_LOSS, Count, Lot, Stage
from psephos.reports.json import FORMAT, count_to_dict, count_to_json
from psephos.reports.labels import votes
from tests.conftest import REPO
from tests.reports.wards import ALMOND, COATBRIDGE, GOVAN, counted

SCHEMA = json.loads((REPO / "docs" / "count.schema.json").read_text(encoding="utf-8"))
DOC = (REPO / "docs" / "count-json.md").read_text(encoding="utf-8")


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Check ``value`` against the keywords our schema uses (jsonschema is not a dependency).

    Covers $ref (local), const, enum, type, oneOf, required, properties,
    additionalProperties, items, minItems, uniqueItems, minimum and pattern.
    """
    if "$ref" in schema:
        target: Any = SCHEMA
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return schema_errors(value, target, path)
    errors: list[str] = []
    types: dict[str, type] = {"object": dict, "array": list, "string": str, "null": type(None)}
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        return [*errors, f"{path}: {value!r} is not an integer"]
    if kind in types and not isinstance(value, types[kind]):
        return [*errors, f"{path}: {value!r} is not {kind}"]
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not schema_errors(value, s, path)]
        if len(passing) != 1:
            errors.append(f"{path}: {value!r} matches {len(passing)} of oneOf")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value} < {schema['minimum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                errors += schema_errors(item, props[key], f"{path}.{key}")
            elif extra is False:
                errors.append(f"{path}: unexpected {key}")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, f"{path}[{key!r}]")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            errors.append(f"{path}: items not unique")
        for i, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{i}]")
    return errors


def test_coatbridge_south_figures(scotland_stv: Path) -> None:
    data = count_to_dict(counted(COATBRIDGE)[0])
    assert data["format"] == FORMAT
    assert (data["method"], data["seats"], data["quota"], data["valid"], data["precision"]) == (
        "stv-scotland", 4, "930.00000", "4647", 5)
    assert data["elected"] == ["Tracy CARRAGHER (SNP)", "Tom CASTLES (Lab)",
                               "Fergus MACGREGOR (SNP)", "Gordon ENCINIAS (Lab)"]
    assert data["excluded"] == ["John HIGGINS (IANL)", "Gerry SOMERS (Ind)",
                                "James BROOKS (IANL)", "John CAMERON (C)"]
    stages = data["stages"]
    assert [s["number"] for s in stages] == list(range(1, 9))
    assert [s["action"] for s in stages] == ["first", *["surplus"] * 3, *["exclude"] * 4]
    assert stages[5]["tallies"]["James BROOKS (IANL)"] == "517.13156"
    assert stages[5]["tallies"]["Gordon ENCINIAS (Lab)"] == "517.25396"
    assert stages[0]["tallies"]["Tracy CARRAGHER (SNP)"] == "1392.00000"
    assert stages[0]["changes"] == {}
    assert stages[1]["subjects"] == ["Tracy CARRAGHER (SNP)"]
    assert stages[1]["transfer_value"] == "0.33189"
    assert stages[1]["changes"]["Tracy CARRAGHER (SNP)"] == "-462.00000"
    assert stages[1]["elected"] == ["Fergus MACGREGOR (SNP)"]
    assert stages[3]["transfer_value"] is None  # MacGregor's papers carried two values
    assert stages[6]["excluded"] == ["James BROOKS (IANL)"]
    assert stages[7]["exhausted"] == "925.41658"
    assert stages[7]["lost"] == "0.02224"


@pytest.mark.parametrize("stem", [COATBRIDGE, ALMOND, GOVAN])
def test_votes_are_conserved_in_the_written_figures(scotland_stv: Path, stem: str) -> None:
    data = json.loads(count_to_json(counted(stem)[0]))
    for stage in data["stages"]:
        total = sum(map(Decimal, stage["tallies"].values())) + Decimal(stage["exhausted"])
        assert total + Decimal(stage["lost"]) == Decimal(data["valid"])
        assert all(len(v.split(".")[1]) == 5 for v in stage["tallies"].values())


@pytest.mark.parametrize("stem", [COATBRIDGE, ALMOND, GOVAN])
def test_real_output_matches_the_schema(scotland_stv: Path, stem: str) -> None:
    data = json.loads(count_to_json(counted(stem)[0]))
    assert schema_errors(data, SCHEMA) == []
    assert list(data) == SCHEMA["required"]  # every key, in the documented order
    assert list(data["stages"][0]) == SCHEMA["$defs"]["stage"]["required"]


def test_the_schema_rejects_floats_missing_and_unknown_keys(scotland_stv: Path) -> None:
    good = count_to_dict(counted(COATBRIDGE)[0])
    floats = json.loads(json.dumps(good))
    floats["stages"][5]["tallies"]["James BROOKS (IANL)"] = 517.13156
    missing = {k: v for k, v in good.items() if k != "quota"}
    unknown = {**good, "winner": "nobody"}
    for bad in (floats, missing, unknown, {**good, "format": "other/1"}):
        assert schema_errors(bad, SCHEMA)


def test_documented_example_is_real_output(scotland_stv: Path) -> None:
    block = re.search(r"```json\n(.*?)```", DOC, re.S)
    assert block is not None
    example = json.loads(block.group(1))
    assert schema_errors(example, SCHEMA) == []
    real = count_to_dict(counted(COATBRIDGE)[0])
    assert {k: v for k, v in example.items() if k != "stages"} == {
        k: v for k, v in real.items() if k != "stages"}
    for stage in example["stages"]:
        assert stage == real["stages"][stage["number"] - 1]


def test_json_text_is_the_dict_and_stable(scotland_stv: Path) -> None:
    count = counted(ALMOND)[0]
    text = count_to_json(count)
    assert json.loads(text) == count_to_dict(count)
    assert text == count_to_json(count)
    assert "\n" not in count_to_json(count, indent=None)


def _tiny(**stage: Any) -> Count:
    """Three candidates, two stages, made by hand to reach the fields real counts leave empty."""
    first = Stage(number=1, action="first", tallies=(Decimal(5), Decimal(3), Decimal(3)))
    second = Stage(number=2, action="exclude", tallies=(Decimal(7), Decimal(0), Decimal(3)),
                   changes=(Decimal(2), Decimal(-3), Decimal(0)), subjects=(1,), excluded=(1,),
                   exhausted=Decimal(1), exhausted_change=Decimal(1), **stage)
    return Count(method="test", candidates=("Ann, A", "Bea Ó B", "Cy C"), seats=1,
                 elected=(0,), stages=(first, second), valid=Decimal(11), quota=None,
                 lots=(Lot(stage=2, tied=(1, 2), chosen=1, purpose="exclusion", how="by hand"),),
                 options={"lot_order": ("Cy C", "Bea Ó B"), "fraction": Decimal("0.5")})


def test_lots_options_and_transfers() -> None:
    count = _tiny(transfers={1: {0: Decimal(2), NON_TRANSFERABLE: Decimal(1),
                                 ROUNDING_LOSS: Decimal(0)}},
                  inactive={"overvotes": Decimal(1)}, threshold=Decimal(6))
    data = count_to_dict(count)
    assert data["quota"] is None and data["precision"] == 0
    assert data["lots"] == [{"stage": 2, "tied": ["Bea Ó B", "Cy C"], "chosen": "Bea Ó B",
                             "purpose": "exclusion", "how": "by hand"}]
    assert data["options"] == {"lot_order": ["Cy C", "Bea Ó B"], "fraction": "0.5"}
    stage = data["stages"][1]
    assert stage["tallies"] == {"Ann, A": "7", "Bea Ó B": "0", "Cy C": "3"}
    assert stage["transfers"] == {"Bea Ó B": {"Ann, A": "2", "non-transferable": "1",
                                              "lost": "0"}}
    assert (stage["threshold"], stage["inactive"]) == ("6", {"overvotes": "1"})
    assert schema_errors(data, SCHEMA) == []
    assert "Bea Ó B" in count_to_json(count)  # names stay readable, not \u-escaped


def test_vote_strings_pad_but_never_round() -> None:
    assert votes(Decimal(930), 5) == "930.00000"
    assert votes(Decimal("0E-7"), 7) == "0.0000000"  # no exponent form
    assert votes(Decimal("1.234567"), 5) == "1.234567"  # more places than the rule: kept


def test_names_must_be_unique() -> None:
    count = _tiny()
    with pytest.raises(ValueError, match="unique"):
        count_to_dict(Count(**{**count.__dict__, "candidates": ("A", "A", "C")}))
