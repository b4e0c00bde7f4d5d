"""A pact under the additional member system (Scottish Parliament): two layers.

The constituency layer is the Westminster model itself (`run_pact`: stand-aside, transfers,
ties by the count's lot) on the Holyrood constituencies. The list layer moves list votes as
the scenario's `ListPlan` says, in whole votes by largest remainder like every transfer in
the model; then each region's seven list seats are counted again by d'Hondt from its new
constituency seats (`HolyroodRegion.allocate`, i.e. `psephos.rules.additional_member`), so
the compensation is the official count's own, "Others" (a sum of many lists) included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from psephos.count import Count
from psephos.model.apportion import largest_remainder
from psephos.model.errors import ScenarioError, share
from psephos.model.list_plan import ListPlan
from psephos.model.project import run_pact
from psephos.model.results import PactResult
from psephos.model.scenario import AMS_ELECTIONS, Scenario
from psephos.rules.highest_averages import seats_won
from psephos.uk.holyrood import PARLIAMENT_SEATS, HolyroodElection, HolyroodRegion, ListVote
from psephos.uk.parties import PARTIES
from psephos.uk.tables import Constituency, GeneralElection

MAJORITY = PARLIAMENT_SEATS // 2 + 1
#: Draws: noise per list per region per draw, in shares. The standard deviation over the 8
#: regions of (region's change in list share - Scotland's), 2016 -> 2021, was 0.8-2.1 points
#: for the five parties with seats (SNP 1.33, Con 2.10, Lab 0.91, Green 0.79, LD 1.05).
LIST_SD = 0.015


@dataclass(frozen=True)
class AmsScenario:
    """A pact on a Scottish Parliament election: ``constituency`` is an ordinary `Scenario`
    (its alliance may be empty: no constituency pact), ``lists`` the list tactics."""

    constituency: Scenario
    lists: ListPlan = field(default_factory=ListPlan)
    list_sd: float = LIST_SD  # draws: noise per list per region (`psephos.model.ams_draws`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "list_sd", share("draws.list_sd", self.list_sd))
        scenario = self.constituency
        if scenario.election not in AMS_ELECTIONS:
            raise ScenarioError("election", f"{scenario.election!r} is not a Scottish "
                                f"Parliament election; choose one of {', '.join(AMS_ELECTIONS)}")
        if scenario.swing != "none":
            raise ScenarioError("swing.model", "a swing is not modelled under the additional "
                                "member system (the list vote would need its own poll); "
                                "use transfers, or --draws for the uncertainty")
        if scenario.northern_ireland or scenario.speaker:
            raise ScenarioError("scope", "a Scottish Parliament election has no Northern "
                                "Ireland or Speaker's seat to bring into scope")
        if not scenario.alliance and self.lists.empty:
            raise ScenarioError("alliance", "the scenario changes nothing: give an alliance "
                                "(a constituency pact) or a [list] table (list tactics), or both")

    @property
    def election(self) -> str:
        return self.constituency.election


@dataclass(frozen=True)
class ListMove:
    """Where one source's list votes went in one region, in whole votes."""

    source: str
    votes: int  # its list vote before the move
    to: Mapping[str, int]  # destination contestant -> votes moved
    kept: int  # stayed with the source (it still stands) ...
    abstained: int  # ... or abstained (it withdrew from the list)


@dataclass(frozen=True)
class RegionOutcome:
    """One region, both layers, before (the election as it was) and after the pact."""

    name: str
    constituency_before: Mapping[str, int]
    constituency_after: Mapping[str, int]
    list_votes_before: Mapping[str, int]  # contestant -> votes
    list_votes_after: Mapping[str, int]
    count_before: Count  # d'Hondt, psephos.rules.additional_member
    count_after: Count
    moves: tuple[ListMove, ...]
    aggregates: tuple[str, ...]  # contestants that are sums of many lists (take no seat)
    in_scope: bool  # whether the list plan applies here
    counted: HolyroodRegion  # the region as counted after the pact (for the draws)

    @property
    def list_before(self) -> dict[str, int]:
        return _won(self.count_before)

    @property
    def list_after(self) -> dict[str, int]:
        return _won(self.count_after)

    @property
    def seats_before(self) -> dict[str, int]:
        return dict(Counter(self.constituency_before) + Counter(self.list_before))

    @property
    def seats_after(self) -> dict[str, int]:
        return dict(Counter(self.constituency_after) + Counter(self.list_after))


@dataclass(frozen=True)
class AmsDraws:
    """Seeded draws around the pact's projection (`psephos.model.ams_draws`)."""

    n: int
    seed: int
    intervals: Mapping[str, tuple[int, int]]  # 5th and 95th percentile total seats
    median: Mapping[str, int]
    mean: Mapping[str, float]
    majority: Mapping[str, float]  # share of draws with at least MAJORITY seats
    list_lots: int  # d'Hondt seat allocations in the draws settled by lot


@dataclass(frozen=True)
class AmsResult:
    """Both layers of every region, the constituency model's own result, and the draws."""

    scenario: AmsScenario
    constituency: PactResult
    regions: tuple[RegionOutcome, ...]
    draws: AmsDraws | None = None

    @property
    def seats_before(self) -> dict[str, int]:
        return _total(r.seats_before for r in self.regions)

    @property
    def seats_after(self) -> dict[str, int]:
        return _total(r.seats_after for r in self.regions)

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party with a seat before or after, most seats after first."""
        before, after = self.seats_before, self.seats_after
        return tuple(sorted(set(before) | set(after),
                            key=lambda p: (-after.get(p, 0), -before.get(p, 0), p)))

    def region(self, name: str) -> RegionOutcome:
        """The region called ``name`` (any case), else a `ScenarioError` listing them."""
        for region in self.regions:
            if region.name.casefold() == name.strip().casefold():
                return region
        raise ScenarioError("explain", f"no region {name!r} in {self.scenario.election}; "
                            f"choose one of {', '.join(r.name for r in self.regions)}")


def run_ams_pact(election: HolyroodElection, scenario: AmsScenario, *,
                 progress: Callable[[int], None] | None = None) -> AmsResult:
    """The seats ``election`` would have given under ``scenario``, both layers, every region;
    with ``scenario.constituency.draws``, the seeded draws around it."""
    if election.election != scenario.election:
        raise ScenarioError("election", f"the scenario is for {scenario.election}, but the "
                            f"results given are {election.election}")
    central = replace(scenario.constituency, draws=0)
    seats = run_pact(as_first_past_the_post(election), central)
    regions = _regions_in_scope(election, scenario.lists)
    resolved = _resolve(election, scenario.lists)
    after: dict[str, Counter[str]] = {r.name: Counter() for r in election.regions}
    before: dict[str, Counter[str]] = {r.name: Counter() for r in election.regions}
    for seat in seats.seats:
        before[seat.region][seat.before] += 1
        after[seat.region][seat.after] += 1
    outcomes = tuple(
        _region(region, before[region.name], after[region.name], resolved,
                region.name in regions)
        for region in election.regions)
    result = AmsResult(scenario, seats, outcomes)
    if scenario.constituency.draws:
        from psephos.model.ams_draws import simulate_ams

        result = replace(result, draws=simulate_ams(result, progress))
    return result


def as_first_past_the_post(election: HolyroodElection) -> GeneralElection:
    """The constituencies as a first-past-the-post election the pact model runs on (a seat's
    id is its name: Holyrood results carry no codes)."""
    return GeneralElection(election=election.election, date=election.date, constituencies=tuple(
        Constituency(id=seat.name, name=seat.name, nation="Scotland", region=seat.region,
                     electorate=0, valid_votes=seat.valid_votes, candidates=seat.candidates)
        for seat in election.constituencies))


def recount_region(region: HolyroodRegion, constituency_seats: Mapping[str, int],
                   list_votes: tuple[ListVote, ...]) -> Count:
    """The region's list seats by d'Hondt again, from new constituency seats and list votes
    (the official count's own rule: `HolyroodRegion.allocate`)."""
    return replace(region, constituency_seats=dict(constituency_seats),
                   list_votes=list_votes).allocate()


@dataclass(frozen=True)
class _Resolved:
    """The plan in the election's own contestant names."""

    new: tuple[ListVote, ...]
    withdrawn: frozenset[str]
    transfers: Mapping[str, Mapping[str, float]]


def _resolve(election: HolyroodElection, plan: ListPlan) -> _Resolved:
    """Match the plan's names to the election's list contestants (ignoring case) and refuse
    moves that make no sense."""
    aggregates = {name for region in election.regions for name in region.aggregates}
    known: dict[str, str] = {}
    for region in election.regions:
        for vote in region.list_votes:
            known.setdefault(vote.contestant.casefold(), vote.contestant)
    choices = ", ".join(n for n in known.values() if n not in aggregates)

    def aggregate(key: str, name: str) -> None:
        if name.casefold() in {a.casefold() for a in aggregates}:
            raise ScenarioError(key, f"{name!r} is one figure for many minor lists, not a "
                                "list: it cannot stand, withdraw, move or receive votes")

    new: list[ListVote] = []
    new_names: dict[str, str] = {}
    for name in plan.new:
        aggregate("list.new", name)
        if name.casefold() in known:
            raise ScenarioError("list.new", f"{known[name.casefold()]} stood on the list at "
                                f"{election.election}; only a list that did not stand is new")
        code = name.casefold() if name.casefold() in PARTIES else "other"
        contestant = code if code != "other" else name
        new.append(ListVote(party_name=name, party_code=code, votes=0))
        new_names[name.casefold()] = contestant

    def find(key: str, name: str) -> str:
        aggregate(key, name)
        if name.casefold() in known:
            return known[name.casefold()]
        if name.casefold() in new_names:
            return new_names[name.casefold()]
        raise ScenarioError(key, f"no list {name!r} at {election.election}; choose one of "
                            f"{choices}, or name a new list in list.new")

    withdrawn = frozenset(find("list.withdrawn", name) for name in plan.withdrawn)
    for name in withdrawn:
        if name in new_names.values():
            raise ScenarioError("list.withdrawn", f"{name} is a new list: it cannot also "
                                "withdraw")
    transfers: dict[str, dict[str, float]] = {}
    for typed, row in plan.transfers.items():
        key = f"list.from.{typed}"
        source = find(key, typed)
        if source in new_names.values():
            raise ScenarioError(key, f"{source} is a new list: it has no list votes to move")
        if source in transfers:
            raise ScenarioError(key, f"{source} has two rows")
        out: dict[str, float] = {}
        for typed_to, rate in row.items():
            destination = find(f"{key}.{typed_to}", typed_to)
            if destination == source:
                raise ScenarioError(f"{key}.{typed_to}", f"{source}'s votes cannot move to "
                                    f"{source}")
            if destination in withdrawn:
                raise ScenarioError(f"{key}.{typed_to}", f"{destination} withdraws from the "
                                    "list, so it cannot receive list votes")
            out[destination] = rate
        transfers[source] = out
    return _Resolved(tuple(new), withdrawn, transfers)


def _regions_in_scope(election: HolyroodElection, plan: ListPlan) -> set[str]:
    names = {r.name.casefold(): r.name for r in election.regions}
    if not plan.regions:
        return set(names.values())
    out = set()
    for typed in plan.regions:
        if typed.casefold() not in names:
            raise ScenarioError("list.regions", f"no region {typed!r} in {election.election}; "
                                f"choose one of {', '.join(names.values())}")
        out.add(names[typed.casefold()])
    return out


def _region(region: HolyroodRegion, before: Counter[str], after: Counter[str],
            plan: _Resolved, in_scope: bool) -> RegionOutcome:
    votes = list(region.list_votes)
    moves: tuple[ListMove, ...] = ()
    if in_scope:
        votes += plan.new
        votes, moves = _move_list_votes(votes, plan)
    count_before = region.allocate()
    counted = replace(region, constituency_seats=dict(after), list_votes=tuple(votes))
    count_after = counted.allocate()
    present = tuple(a for a in region.aggregates
                    if any(v.contestant == a for v in region.list_votes))
    return RegionOutcome(
        name=region.name, constituency_before=dict(before.most_common()),
        constituency_after=dict(after.most_common()),
        list_votes_before={v.contestant: v.votes for v in region.list_votes},
        list_votes_after={v.contestant: v.votes for v in votes},
        count_before=count_before, count_after=count_after, moves=moves,
        aggregates=present, in_scope=in_scope, counted=counted)


def _move_list_votes(votes: list[ListVote], plan: _Resolved
                     ) -> tuple[list[ListVote], tuple[ListMove, ...]]:
    """Every row moves a share of its source's list vote (as it was before any move) to its
    destinations; each source's vote splits by largest remainder into the destinations and
    what stays (or, for a withdrawn list, abstains), so the parts add up to it exactly. A
    destination with no list in the region receives nothing: that share stays."""
    index = {v.contestant: i for i, v in enumerate(votes)}
    totals = [v.votes for v in votes]
    out = totals.copy()
    moves: list[ListMove] = []
    sources = [s for s in plan.transfers if s in index]
    sources += sorted(s for s in plan.withdrawn if s in index and s not in plan.transfers)
    for source in sources:
        row = {d: r for d, r in plan.transfers.get(source, {}).items() if d in index}
        given = totals[index[source]]
        quotas = np.array([given * r for r in row.values()], dtype=np.float64)
        rest = max(given - float(quotas.sum()), 0.0)
        parts = largest_remainder(np.append(quotas, rest), np.zeros(len(row) + 1, np.int64),
                                  np.array([given], dtype=np.int64))
        out[index[source]] -= given
        moved = {}
        for (destination, _), part in zip(row.items(), parts[:-1], strict=True):
            out[index[destination]] += int(part)
            moved[destination] = int(part)
        stays = int(parts[-1])
        withdrawn = source in plan.withdrawn
        if not withdrawn:
            out[index[source]] += stays
        moves.append(ListMove(source, given, moved, 0 if withdrawn else stays,
                              stays if withdrawn else 0))
    kept = [replace(v, votes=out[i]) for i, v in enumerate(votes)
            if v.contestant not in plan.withdrawn]
    return kept, tuple(moves)


def _won(count: Count) -> dict[str, int]:
    """List seats per contestant (non-zero only), most first."""
    won = Counter({name: n for name, n in seats_won(count).items() if n})
    return dict(won.most_common())


def _total(per_region: object) -> dict[str, int]:
    total: Counter[str] = Counter()
    for seats in per_region:  # type: ignore[attr-defined]
        total.update(seats)
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))
