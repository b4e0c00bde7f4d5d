"""`scenario_to_toml` writes a scenario file that reads back as the same scenario."""

from __future__ import annotations

import pytest

from psephos.model import Scenario
from psephos.model.scenario_file import scenario_from_toml, scenario_to_toml, settings_from_toml

SCENARIOS = [
    Scenario(election="ge2019", alliance=("lab", "ld", "green", "snp", "pc")),
    Scenario(election="ge2017", alliance=("Lab", "green"), stand_aside="incumbent",
             ranked_at="ge2015", northern_ireland=True, transfer=0.75,
             preset="ec-close-contest-2024", transfers={"green": {"ally": 0.0}},
             swing="uniform", swing_by="nation", poll={"con": 0.38, "lab": 0.3},
             area_polls={"Scotland": {"snp": 0.4}, "Ynys Môn \"quoted\"": {"pc": 0.3}},
             draws=500, seed=7, national_sd=0.01, seat_sd=0.03, transfer_sd=0.1),
    Scenario(election="ge2015", alliance=("lab", "ld"), stand_aside="listed",
             seats={"Brighton, Pavilion": "lab", "Bath": "ld"}),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_file_reads_back_as_the_same_scenario(scenario: Scenario) -> None:
    assert scenario_from_toml(scenario_to_toml(scenario, description="a test")) == scenario


def test_without_draws_no_draw_setting_is_written() -> None:
    settings = settings_from_toml(scenario_to_toml(SCENARIOS[0]))
    assert not {"draws", "seed", "national_sd", "seat_sd", "transfer_sd"} & set(settings)

