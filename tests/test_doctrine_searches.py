"""Doctrine's searches for a nation's soonest unit, spared by the bound the last one left,
give what a fresh search would: the same answer at every look, and the bound kept is never
above the soonest arrival (a unit that could come sooner and was not looked at again would
break it, whether or not it changed an answer)."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Hashable
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest

from sim.decisions.doctrine import Again, AskingStamp, Planner, Quiet, Search, State
from sim.model import Simulation
from sim.model.entities import Incident
from sim.scenario import Scenario, load_scenario

ROOT = Path(__file__).parent.parent


def _dispersed(factor: int) -> Scenario:
    spec = importlib.util.spec_from_file_location("dispersed", ROOT / "benchmarks" / "dispersed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scenario: Scenario = module.dispersed(factor)
    return scenario


def _sekong() -> Scenario:
    return load_scenario(ROOT / "scenarios" / "sekong_flood_2018.toml")


def _someone_to_ask(planner: Planner, asker: str, incident: Incident, plan: float) -> bool:
    """Whether a look that searches finds someone who could come before help in train:
    one of the nation's own busy units by the target, or a neighbour to ask."""
    return planner._own_busy_in_time(incident) or bool(planner._helpers(asker, incident, plan))


RUNS = [
    pytest.param(lambda: _dispersed(5), 1, True, id="dispersed-5x"),
    # seed 2 needs the notice of a trip that starts, seed 7 that of one more unit tasked
    pytest.param(_sekong, 2, True, id="sekong-2"),
    pytest.param(_sekong, 7, True, id="sekong-7"),
    pytest.param(  # joint teams, whom any nation may task: every nation plans together
        lambda: load_scenario(ROOT / "scenarios" / "what-if" / "sekong_joint_teams.toml"),
        3,
        True,
        id="sekong-joint-teams",
    ),
    # one nation whose busy units free later with every minute: no bound holds long
    pytest.param(
        lambda: load_scenario(ROOT / "tests" / "scenarios" / "mmc.toml"), 2, False, id="mmc"
    ),
]


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS)
def test_a_search_spared_by_the_kept_bound_answers_as_a_fresh_one(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    recalled = Planner._recalled
    answers = {"same": 0, "spared": 0, "different": 0, "bound above": 0}

    def checked(
        self: Planner,
        incident: Incident,
        key: Hashable,
        nation: str,
        need: str,
        before: float,
        searches: Callable[[], tuple[Search, Again]],
    ) -> float:
        searched = False

        def counted() -> tuple[Search, Again]:
            search, again = searches()

            def counted_search(before: float) -> float:
                nonlocal searched
                searched = True
                return search(before)

            return counted_search, again

        answer = recalled(self, incident, key, nation, need, before, counted)
        kept = self._known[incident.id][key]
        soonest = searches()[0](math.inf)  # the soonest of all, unbounded
        self._known[incident.id][key] = kept
        answers["same" if answer == min(soonest, before) else "different"] += 1
        answers["bound above"] += kept[3] > soonest  # the kept bound must stay below
        answers["spared"] += not searched
        return answer

    monkeypatch.setattr(Planner, "_recalled", checked)
    Simulation(scenario(), seed=seed).run()
    assert answers["different"] == answers["bound above"] == 0
    if spares:
        assert answers["spared"] > 0  # the bound settles looks the kept answers leave


def _sekong_keeping_no_reserve() -> Scenario:
    """Sekong with no reserve kept: a look may be spared the search for someone to ask."""
    scenario = _sekong()
    coordination = scenario.coordination
    assistance = coordination.mutual_assistance.model_copy(update={"reserves": ()})
    update = {"mutual_assistance": assistance}
    return scenario.model_copy(update={"coordination": coordination.model_copy(update=update)})


@pytest.mark.parametrize(
    ("scenario", "seed", "spares"),
    [
        RUNS[0],
        # seed 4 needs the look again at the nation's own busy units stirred since
        pytest.param(_sekong_keeping_no_reserve, 4, True, id="sekong-no-reserve-4"),
    ],
)
def test_a_look_spared_the_search_for_someone_to_ask_would_have_found_no_one(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look that keeps, without searching, that no neighbour's unit nor any of the
    nation's own busy ones would come before help in train finds the same with the searches
    (a unit filed or stirred since and not looked at again would break it)."""
    no_one_sooner = Planner._no_one_sooner
    answers = {"spared": 0, "someone": 0}

    def checked(self: Planner, asker: str, incident: Incident, stamp: AskingStamp) -> bool:
        spared = no_one_sooner(self, asker, incident, stamp)
        if spared:
            answers["spared"] += 1
            plan = stamp[0][1]  # help in train
            someone = _someone_to_ask(self, asker, incident, plan)
            answers["someone"] += bool(someone)
        return spared

    monkeypatch.setattr(Planner, "_no_one_sooner", checked)
    sim = Simulation(scenario(), seed=seed)
    sim.run()
    assert answers["someone"] == 0
    if spares and not sim.planner.reserves:  # (with reserves to keep, it is not kept)
        assert answers["spared"] > 0


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS[:2])
def test_a_first_response_spared_the_search_would_have_found_no_sooner_unit(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a look keeps of a search that found no sooner free unit (a bound on the
    soonest, also where a search stopped once none could be sooner) is never above a full
    search's soonest, and a look spared the search would have found none sooner."""
    still_nothing, remember = Planner._still_nothing, Planner._remember
    answers = {"spared": 0, "sooner": 0, "bound above": 0}

    def soonest(self: Planner, nation: str, incident: Incident) -> float:
        candidates, _ = self._candidates(nation, incident)  # a full search
        return candidates[0][0] if candidates else math.inf

    def checked(
        self: Planner, nation: str, incident: Incident, state: State, than: float | None
    ) -> bool:
        spared = still_nothing(self, nation, incident, state, than)
        if spared:
            answers["spared"] += 1
            before = math.inf if than is None else than
            answers["sooner"] += soonest(self, nation, incident) < before
        return spared

    def kept(
        self: Planner,
        nation: str,
        incident: Incident,
        state: State,
        bound: float | None,
        whole: bool,
    ) -> None:
        if whole:  # (also what a search that sent a unit found of the others)
            at_least = math.inf if bound is None else bound
            answers["bound above"] += at_least > soonest(self, nation, incident)
        remember(self, nation, incident, state, bound, whole)

    monkeypatch.setattr(Planner, "_still_nothing", checked)
    monkeypatch.setattr(Planner, "_remember", kept)
    Simulation(scenario(), seed=seed).run()
    assert answers["sooner"] == 0
    assert answers["bound above"] == 0
    if spares:
        assert answers["spared"] > 0


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS[:2])
def test_no_one_is_sought_for_an_incident_whose_help_came_late(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once help in train was due before now but after the target (a unit came late), no
    neighbour's unit nor any of the nation's own busy ones could come sooner: the look
    spares the searches, which would find no one."""
    consider_asking = Planner._consider_asking
    answers = {"late": 0, "someone": 0}

    def checked(self: Planner, asker: str, incident: Incident) -> None:
        plan = self.in_train(incident)
        if incident.target_at < plan <= self.sim.env.now:
            answers["late"] += 1
            someone = _someone_to_ask(self, asker, incident, plan)
            answers["someone"] += bool(someone)
        consider_asking(self, asker, incident)

    monkeypatch.setattr(Planner, "_consider_asking", checked)
    Simulation(scenario(), seed=seed).run()
    assert answers["someone"] == 0
    assert answers["late"] > 0


@pytest.mark.parametrize(
    ("scenario", "seed", "spares"),
    [  # (with reserves to keep, as on the Sekong scenario, nothing is kept)
        RUNS[0],
        pytest.param(_sekong_keeping_no_reserve, 4, True, id="sekong-no-reserve-4"),
        pytest.param(_sekong_keeping_no_reserve, 7, True, id="sekong-no-reserve-7"),
    ],
)
def test_a_look_at_asking_spared_by_the_last_finds_what_it_found(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look at asking for help with an incident spared by what the last look found
    (``Quiet``: help in train by the target, due already, or no one to ask) finds the same
    as a look that searches: whether help is in train by the target, and if not, that
    neither the nation's own busy units nor any neighbour's could come sooner."""
    still_quiet = Planner._still_quiet
    answers = {"spared": 0, "different": 0}

    def checked(self: Planner, asker: str, incident: Incident, quiet: Quiet) -> bool:
        spared = still_quiet(self, asker, incident, quiet)
        if spared:
            answers["spared"] += 1
            plan = self.in_train(incident)
            if plan <= incident.target_at:
                seeking = False
            elif plan <= self.sim.env.now:
                seeking = True
            else:
                someone = _someone_to_ask(self, asker, incident, plan)
                seeking = not someone
                answers["different"] += bool(someone)
            answers["different"] += seeking != quiet.seeking
        return spared

    monkeypatch.setattr(Planner, "_still_quiet", checked)
    Simulation(scenario(), seed=seed).run()
    assert answers["different"] == 0
    if spares:
        assert answers["spared"] > 0


def _asleep_at_each_look(
    monkeypatch: pytest.MonkeyPatch, check: Callable[[Planner, str, Incident], None]
) -> None:
    """Call ``check`` at every look for each incident of the nations looked at that the
    look passes over asleep."""
    awake_plans = Planner._awake_plans

    def checked(self: Planner, nations: list[str]) -> list[tuple[Incident, str]]:
        plans = awake_plans(self, nations)
        for nation, incident in list(self._asleep):
            if nation in nations:
                check(self, nation, incident)
        return plans

    monkeypatch.setattr(Planner, "_awake_plans", checked)


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS)
def test_an_incident_passed_over_asleep_would_have_had_nothing_done(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look that passes over an incident asleep would have done nothing for it: it wants
    no more units, help in train comes by the target (or no neighbour could be asked), and
    with nobody on scene yet, a full search finds no free unit sooner than the help on its
    way."""
    answers = {"asleep": 0, "something to do": 0}

    def check(self: Planner, nation: str, incident: Incident) -> None:
        answers["asleep"] += 1
        plan = self._plan(incident)
        asks = not self._lenders[incident.need.id] <= {nation}
        late = asks and self.in_train(incident) > incident.target_at
        sooner = False
        if not incident.attended:
            candidates, _ = self._candidates(nation, incident)  # a full search
            sooner = bool(candidates) and candidates[0][0] < plan
        answers["something to do"] += late or sooner or incident.wants_more_units()

    _asleep_at_each_look(monkeypatch, check)
    Simulation(scenario(), seed=seed).run()
    assert answers["something to do"] == 0
    if spares:
        assert answers["asleep"] > 0


_unit_stamp = attrgetter(
    "state",
    "heading",
    "heading_at",
    "clearing",
    "location",
    "down_until",
    "standing_by",
    "takes_off_at",
)
"""What a tasked unit's estimates hang on, beside the world and the time."""


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS)
def test_an_incident_passed_over_asleep_is_as_it_fell_asleep(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incident sleeps only while nothing it hangs on changed: at every look that
    passes it over, its people, its version, every attribute of its units that estimates
    read and the world are as they were when it fell asleep, no decision point is open,
    and the estimates of the units on their way have not started to slip (a change that
    failed to wake it would break this, whether or not it changed a decision)."""
    fall_asleep = Planner._fall_asleep
    then: dict[tuple[str, Incident], tuple[Any, ...]] = {}
    changed = []

    def kept(self: Planner, nation: str, incident: Incident) -> None:
        fall_asleep(self, nation, incident)
        if (nation, incident) in self._asleep:
            then[(nation, incident)] = self._world, *_state_of(incident)

    def _state_of(incident: Incident) -> tuple[Any, ...]:
        return incident.version, incident.remaining, [_unit_stamp(u) for u in incident.assigned]

    def check(self: Planner, nation: str, incident: Incident) -> None:
        now = (self._world, *_state_of(incident))
        points = self.sim.points
        slipping = self.sim.env.now >= self._asleep[(nation, incident)]
        if now != then[(nation, incident)] or points.open or points.promised or slipping:
            changed.append((self.sim.env.now, incident.id))

    monkeypatch.setattr(Planner, "_fall_asleep", kept)
    _asleep_at_each_look(monkeypatch, check)
    Simulation(scenario(), seed=seed).run()
    assert changed == []
    if spares:
        assert then


@pytest.mark.parametrize(("scenario", "seed", "spares"), RUNS)
def test_looks_that_pass_over_incidents_asleep_change_no_event(
    scenario: Callable[[], Scenario], seed: int, spares: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letting incidents sleep, and keeping what a search that sent a unit found of the
    others, spares work only: the event log is the one every look made in full gives."""
    spared = Simulation(scenario(), seed=seed).run().events
    offer = Planner._offer

    def keeping_nothing(self: Planner, *args: Any, rest: float | None = None) -> bool:
        return offer(self, *args)  # (given no ``rest``, a send keeps nothing)

    monkeypatch.setattr(Planner, "_fall_asleep", lambda self, nation, incident: None)
    monkeypatch.setattr(Planner, "_offer", keeping_nothing)
    assert Simulation(scenario(), seed=seed).run().events == spared
