"""Coordination arrangements that can be switched on while a run goes (in a played exercise).

Three of the scenario's coordination mechanisms can be put in force mid-run, from the
instant they are switched on:

- ``joint_centre``: the joint coordination centre opens. Every EOC reports to it, by its
  own message, each of its nation's incidents still open and every later one; the centre
  then plans for them as it would had it been open from the start.
- ``open_24h``: every border crossing opens around the clock. Units waiting at a post for
  its opening hours go through at once; estimates count the new hours.
- ``fast_track``: a deployment that starts processing at a crossing afterwards takes the
  scenario's ``coordination.border_operations.fast_track`` duration instead of the
  crossing's own; estimates and routes plan with its mean.

The scenario file decides what is in force at the start (``border_operations.enabled``
brings fast track, and round-the-clock opening when ``open_24h``). Switching one on
draws no random number of its own and leaves every other mechanism's draws as they were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sim import log
from sim.i18n import N_, Refusal
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.model.simulation import Simulation

JOINT_CENTRE_OPEN = "joint_centre"
OPEN_24H = "open_24h"
FAST_TRACK = "fast_track"


class Arrangement(NamedTuple):
    """An arrangement that can be switched on: its name, a short title, what it does."""

    name: str
    title: str
    description: str


ARRANGEMENTS: tuple[Arrangement, ...] = (
    Arrangement(
        JOINT_CENTRE_OPEN,
        N_("Joint coordination centre"),
        N_("Open the joint coordination centre: every EOC reports its open incidents to it"),
    ),
    Arrangement(
        OPEN_24H,
        N_("Crossings open 24 h"),
        N_("Run the border crossings 24 h: posts no longer close at night"),
    ),
    Arrangement(
        FAST_TRACK,
        N_("Fast-track processing"),
        N_("Fast-track processing of deployments at the border crossings"),
    ),
)
"""The arrangements, in the order a page lists them."""

NAMES = tuple(a.name for a in ARRANGEMENTS)
DESCRIPTIONS = {a.name: a.description for a in ARRANGEMENTS}
TITLES = {a.name: a.title for a in ARRANGEMENTS}


class ArrangementRefused(Refusal, ValueError):
    """An arrangement that cannot be switched on (unknown, or already in force)."""


def in_force_at_start(scenario: Scenario) -> frozenset[str]:
    """The arrangements the scenario file puts in force from the start."""
    coordination = scenario.coordination
    operations = coordination.border_operations
    on = {
        JOINT_CENTRE_OPEN: coordination.joint_centre.enabled,
        OPEN_24H: operations.enabled and operations.open_24h,
        FAST_TRACK: operations.enabled,
    }
    return frozenset(name for name, enabled in on.items() if enabled)


def check_switch(in_force: frozenset[str], name: str) -> None:
    """Refuse to switch on an unknown arrangement or one already in force.

    Raises:
        ArrangementRefused: with what to do instead.
    """
    if name not in NAMES:
        raise ArrangementRefused(
            N_("unknown arrangement %(name)r: one of %(names)s"),
            name=name,
            names=", ".join(NAMES),
        )
    if name in in_force:
        raise ArrangementRefused(
            N_("%(arrangement)s is in force already"), arrangement=TITLES.get(name, name)
        )


def switch_on(sim: Simulation, name: str) -> None:
    """Put an arrangement in force in a run from now (see the module docstring).

    Raises:
        ArrangementRefused: unknown, or already in force (nothing changed).
    """
    check_switch(sim.in_force, name)
    sim.in_force = sim.in_force | {name}
    sim.record((sim.env.now, log.ARRANGEMENT_ON, -1, "", name))
    if name == JOINT_CENTRE_OPEN:
        for incident in sim.incidents:
            if incident.reported_at <= sim.env.now and incident.remaining > 0:
                sim.responsible_eoc(incident.place.id).report_to_joint_centre(incident)
    elif name == OPEN_24H:
        for crossing in sim.crossings.values():
            crossing.open_around_the_clock()
    else:
        fast_track = sim.scenario.coordination.border_operations.fast_track
        for crossing in sim.crossings.values():
            crossing.processing = fast_track
        sim.geography.plan_crossings(fast_track.mean)
    sim.planner.everyone()


__all__ = [
    "ARRANGEMENTS",
    "DESCRIPTIONS",
    "FAST_TRACK",
    "JOINT_CENTRE_OPEN",
    "NAMES",
    "OPEN_24H",
    "TITLES",
    "Arrangement",
    "ArrangementRefused",
    "check_switch",
    "in_force_at_start",
    "switch_on",
]
