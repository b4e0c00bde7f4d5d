"""The pact builder's parameters: one scenario as the page's URL and the API's query say it.

The page's form, its address and the API's query string are the same parameters, so a
link reproduces a scenario exactly. They mirror ``psephos pact``'s flags (``alliance``,
``stand_aside``, ``poll``, ``draws``...); ``transfer_<party>`` is the share of a party's
votes that goes to the alliance candidate where it stands down (a scenario file's
``[transfer.from.<party>] ally``). `psephos.model.options` turns the text into `Scenario`
settings exactly as it does for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, create_model, model_validator

from psephos.uk.tables import PARTY_CODES

#: The most draws one request may ask for (``psephos pact`` runs up to 1,000,000).
MAX_WEB_DRAWS = 10_000
#: Fields a form sends as repeated parameters.
LISTS = ("alliance", "poll")


class ScenarioParams(BaseModel):
    """A pact scenario, parameter by parameter (blank parameters count as not given)."""

    election: str | None = Field(None, description="Base election: ge2010, ge2015, ge2017, "
                                                   "ge2019, ge2019-notional or ge2024.")
    alliance: list[str] = Field([], description="Allied party codes (lab, ld, green...): "
                                                "repeat the parameter or separate by commas.")
    stand_aside: str = Field("best-placed", description="Who stands: best-placed, incumbent "
                                                        "or an alliance party's code.")
    ranked_at: str | None = Field(None, description="Judge best-placed at this election "
                                                    "(default: the base one).")
    scope: str = Field("gb", description="Seats the pact covers: gb (no Northern Ireland, no "
                                         "Speaker), uk or all.")
    transfer: float = Field(1.0, description="Share of a stood-down party's votes that goes "
                                             "to the alliance candidate, for parties without "
                                             "a transfer_<party>.")
    preset: str = Field("flat", description="Transfer matrix: flat or ec-close-contest-2024.")
    swing: str = Field("none", description="Swing model: none, uniform or proportional.")
    swing_by: str = Field("national", description="Swing area: national, nation or region.")
    poll: list[str] = Field([], description="Poll shares, e.g. con=0.38,lab=0.30; "
                                            "AREA:party=share for one nation or region.")
    draws: int = Field(0, description=f"Monte Carlo draws for 5-95 % seat intervals, 0 to "
                                      f"{MAX_WEB_DRAWS:,}.")
    seed: int = Field(0, description="Seed for the draws (used only with draws).")
    national_sd: float | None = Field(None, description="National noise per party per draw "
                                                        "(default 0.02; only with draws).")
    seat_sd: float | None = Field(None, description="Seat noise per candidate per draw "
                                                    "(default 0.04; only with draws).")
    transfer_sd: float | None = Field(None, description="Noise on the transfer share "
                                                        "(default 0; only with draws).")
    explain: str | None = Field(None, description="Trace this constituency (id or name) "
                                                  "step by step.")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_not_given(cls, data: Any) -> Any:
        """A form sends an empty box as ``name=``: that is the default, not a value."""
        if not isinstance(data, dict):
            return data
        out = {}
        for key, value in data.items():
            if isinstance(value, list):
                value = [v for v in value if not (isinstance(v, str) and not v.strip())]
            elif isinstance(value, str) and not value.strip():
                continue
            out[key] = value
        return out

    def rate(self, party: str) -> float | None:
        """The ``transfer_<party>`` given, if any."""
        value = getattr(self, f"transfer_{party}", None)
        return float(value) if value is not None else None


def _with_rates() -> type[ScenarioParams]:
    """`ScenarioParams` and one ``transfer_<party>`` per party code (typed, in the schema)."""
    rates: dict[str, Any] = {
        f"transfer_{code}": (float | None, Field(
            None, description=f"Share of {code}'s votes that goes to the alliance candidate "
                              f"where {code} stands down (0 to 1; only for an alliance "
                              "party, ignored for another, so a form may send every slider)."))
        for code in PARTY_CODES
    }
    return create_model("PactParams", __base__=ScenarioParams, **rates)


if TYPE_CHECKING:
    PactParams = ScenarioParams
else:
    PactParams = _with_rates()


def params_from_query(query: Any) -> ScenarioParams:
    """`PactParams` from a Django ``QueryDict`` (lists for the repeated parameters);
    raises `pydantic.ValidationError`."""
    data: dict[str, Any] = {}
    for key in query:
        data[key] = query.getlist(key) if key in LISTS else query.get(key)
    return PactParams.model_validate(data)


def openapi_parameters() -> list[dict[str, Any]]:
    """The parameters as OpenAPI describes query parameters (repeated ones as arrays)."""
    schema = PactParams.model_json_schema()
    out = []
    for name, field in schema["properties"].items():
        described = {k: v for k, v in field.items() if k not in ("title", "description")}
        out.append({"in": "query", "name": name, "required": False,
                    "description": field.get("description", ""), "schema": described})
    return out


def describe_invalid(errors: list[Any]) -> str:
    """Pydantic's errors said as ``field: what was expected``."""
    expected = {"int_parsing": "expected a whole number", "float_parsing": "expected a number",
                "int_from_float": "expected a whole number"}
    parts = []
    for error in errors:
        field = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        what = expected.get(error.get("type", ""), error.get("msg", "invalid"))
        given = error.get("input")
        parts.append(f"{field}: {what}" + (f", not {given!r}" if isinstance(given, str) else ""))
    return "; ".join(parts)
