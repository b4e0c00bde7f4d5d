"""Scenario files: every key checked, every mistake named with its key and the choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from psephos.model import Scenario, ScenarioError, read_scenario, scenario_from_toml
from psephos.model.scenario_file import settings_from_toml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

FULL = """
election = "ge2019"
alliance = ["lab", "ld", "green"]
[stand_aside]
rule = "incumbent"
ranked_at = "ge2017"
seats = { "Bath" = "ld" }
[scope]
northern_ireland = true
speaker = false
[transfer]
ally = 0.8
preset = "ec-close-contest-2024"
[transfer.from.green]
ally = 0.5
con = 0.1
[swing]
model = "proportional"
by = "nation"
poll = { con = 0.4, lab = 0.3 }
[swing.area_polls.Scotland]
snp = 0.4
[draws]
n = 500
seed = 3
national_sd = 0.01
seat_sd = 0.02
transfer_sd = 0.05
"""


def test_every_setting_reaches_the_scenario() -> None:
    assert scenario_from_toml(FULL) == Scenario(
        election="ge2019", alliance=("lab", "ld", "green"), stand_aside="incumbent",
        ranked_at="ge2017", seats={"Bath": "ld"}, northern_ireland=True, speaker=False,
        transfer=0.8, preset="ec-close-contest-2024",
        transfers={"green": {"ally": 0.5, "con": 0.1}}, swing="proportional",
        swing_by="nation", poll={"con": 0.4, "lab": 0.3}, area_polls={"Scotland": {"snp": 0.4}},
        draws=500, seed=3, national_sd=0.01, seat_sd=0.02, transfer_sd=0.05)


def test_defaults_are_documented_values() -> None:
    chosen = scenario_from_toml('election = "ge2017"\nalliance = ["lab", "ld"]\n')
    assert (chosen.stand_aside, chosen.transfer, chosen.preset, chosen.swing) == (
        "best-placed", 1.0, "flat", "none")
    assert (chosen.northern_ireland, chosen.speaker) == (False, False)
    assert (chosen.draws, chosen.seed, chosen.national_sd, chosen.seat_sd) == (0, 0, 0.02, 0.04)


@pytest.mark.parametrize(("text", "message"), [
    ('election = "ge2019"\nalliance = ["lab", "ld"]\ncolour = 1\n',
     "colour: unknown key; choose one of election, alliance, description, stand_aside"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\nmodle = "uniform"\n',
     "swing.modle: unknown key; choose one of model, by, poll, area_polls"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\nmodel = "uniformm"\n',
     "swing.model: 'uniformm' is not a choice; choose one of none, uniform, proportional"),
    ('election = "ge2019"\nalliance = ["lab", "libdem"]\n',
     "alliance: 'libdem' is not a choice; choose one of con, lab, ld, snp"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[stand_aside]\nrule = "best"\n',
     "stand_aside.rule: 'best' is not a choice; choose one of best-placed, incumbent, listed, "
     "lab, ld"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer]\nally = 1.5\n',
     "transfer.ally: 1.5 is not between 0 and 1"),
    # The old keyword for the alliance candidate clashes with the Alliance Party's code.
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer]\nalliance = 1.0\n',
     "transfer.alliance: renamed: write ally = SHARE"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.ld]\nalliance = 0.5\n',
     "transfer.from.ld.alliance: 'alliance' is the Alliance Party's code; the candidate "
     "standing for the alliance is now 'ally'"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.con]\nalliance = 0.5\n',
     "transfer.from.con: 'con' is not in the alliance (lab, ld), so never stands down"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.ld]\nlab = 0.5\nukip = 0.6\n',
     "transfer.from.ld: the shares add up to 1.1, over 1"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.ld]\ncon = 0.5\n',
     "transfer.from.ld: with the alliance share the shares add up to 1.5, over 1"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\nmodel = "uniform"\n',
     "swing.poll: a uniform swing needs poll shares"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\npoll = {con = 0.7, lab = 0.4}\n',
     "swing.poll: the shares add up to 1.1, over 1"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[scope]\nspeaker = "no"\n',
     "scope.speaker: 'no' is not true or false"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[draws]\nn = -1\n',
     "draws.n: -1 is not a whole number from 0 to 1,000,000"),
    ('election = "ge2019"\nalliance = ["lab"]\n', "alliance: an alliance needs at least two"),
    ('alliance = ["lab", "ld"]\n', "election: missing"),
    ('election = "ge2019"\nalliance = ["lab", "ld"\n', "not valid TOML"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\nswing = 3\n',
     "swing: expected a table, e.g. [swing]"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[stand_aside]\nseats = {Bath = "con"}\n',
     "stand_aside.seats.Bath: 'con' is not a choice; choose one of lab, ld"),
    # Party codes ignore case, so a repeat in another spelling is named twice.
    ('election = "ge2019"\nalliance = ["lab", "LD", "ld"]\n',
     "alliance: ld is named twice ('LD' and 'ld')"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[swing]\nmodel = "uniform"\n'
     'poll = {Con = 0.3, con = 0.2}\n', "swing.poll: con is named twice ('Con' and 'con')"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.ld]\nCon = 0.1\ncon = 0.2\n',
     "transfer.from.ld: con is named twice ('Con' and 'con')"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.LD]\ncon = 0.1\n'
     '[transfer.from.ld]\ncon = 0.2\n', "transfer.from: ld is named twice ('LD' and 'ld')"),
    ('election = "ge2019"\nalliance = ["lab", "ld"]\n[transfer.from.ld]\nAlliance = 0.5\n',
     "transfer.from.ld.Alliance: 'Alliance' is the Alliance Party's code"),
])
def test_mistakes_name_the_key_and_the_choices(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_toml(text)
    assert message in str(caught.value)


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('election = "ge2019"\nalliance = ["lab", "ld"]\n[draws]\nseed = "x"\n',
                    encoding="utf-8")
    with pytest.raises(ScenarioError, match=rf"^{path}: draws.seed: 'x' is not a whole"):
        read_scenario(path)
    with pytest.raises(ScenarioError, match="cannot read the scenario file"):
        read_scenario(tmp_path / "missing.toml")


#: Example pact scenarios (examples/ also holds contest definitions, with a [contest] table).
SCENARIOS = sorted(p for p in EXAMPLES.glob("*.toml")
                   if "\n[contest]\n" not in "\n" + p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_examples_are_valid(path: Path) -> None:
    if 'election = "sp' in path.read_text(encoding="utf-8"):  # a Scottish Parliament pact
        from psephos.model.scenario_file import read_ams_scenario

        assert not read_ams_scenario(path).lists.empty
        return
    chosen = read_scenario(path)
    assert chosen.election.startswith("ge")
    assert settings_from_toml(path.read_text(encoding="utf-8"))["alliance"] == chosen.alliance
