"""The coordination mechanisms of the source documents, each a ``[coordination.*]`` switch.

Defaults mean "not in force"; ``docs/coordination.md`` says what each models and where it
comes from.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from sim.scenario.quantities import Duration, DurationDistribution, fixed
from sim.scenario.types import (
    Count,
    Flag,
    Id,
    NationCode,
    Positive,
    Real,
    Section,
    Share,
    Source,
)

Party = Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|JCC)$")]
"""A nation code, or JCC for the joint coordination centre."""


class Mechanism(Section):
    """A coordination mechanism: a ``[coordination.*]`` table."""

    source: Source | None = None
    """Where its being in force (or not) and its figures come from."""


class Channel(Section):
    """A way messages travel between two parties."""

    kind: Literal["hotline", "liaison", "diplomatic", "radio"] = "diplomatic"
    """hotline, liaison, diplomatic or radio (for reports)."""
    latency: DurationDistribution = Field(
        default=fixed("6h"), description="one message, sent to read"
    )
    reliability: Share = Field(default=1.0, description="chance a message arrives at all")
    resend_after: Positive = Field(
        default=fixed("2h").value,
        validate_default=False,
        description="a lost message is noticed and sent again after this",
    )


class ChannelLink(Channel):
    """[[coordination.channels.links]]: a dedicated channel between two parties."""

    between: tuple[Party, Party]
    """The two parties it joins: nation codes or "JCC"."""


class Channels(Mechanism):
    """Communication channels and protocols (source 000, 004).

    Without them (``enabled = false``) every message between parties goes the ``default``
    way: a diplomatic note through the ministries.
    """

    enabled: Flag = False
    """Dedicated channels in force (else every message goes the default way)."""
    default: Channel = Channel(
        kind="diplomatic",
        latency={"dist": "lognormal", "median": "6h", "p90": "1d"},
    )
    """How messages travel without a dedicated channel (a diplomatic note)."""
    links: tuple[ChannelLink, ...] = ()
    """Dedicated channels between pairs of parties."""


class MilitaryComms(Mechanism):
    """Military communication systems that restore a channel during an outage (source 000)."""

    enabled: Flag = False
    """Military communications in force."""
    restore: Positive = Field(
        default=120.0, validate_default=False, description="an outage lasts at most this long"
    )


class Language(Mechanism):
    """Language barriers and interpreters (source 000).

    A message between two working languages waits for one of the receiving EOC's
    interpreters, unless the nations trained a common working language (``enabled``).
    """

    enabled: Flag = False
    """A trained common working language (no interpreting)."""
    interpreters: Count = Field(default=1, ge=1, description="interpreters on duty at each EOC")
    translation: DurationDistribution = Field(
        default=fixed("45min"), description="one message, with the interpreter"
    )


class InformationSharing(Mechanism):
    """Intelligence and information sharing (source 000, 004).

    With it, an incident within ``border_zone_km`` of another nation's border post can be
    detected by that nation's border units, who pass it on; upstream readings reach
    downstream nations as warnings.
    """

    enabled: Flag = False
    """Information sharing in force."""
    border_zone_km: Real = Field(default=15.0, ge=0, le=1000)
    """How far from its posts a nation's border units see across."""
    border_detection: DurationDistribution = Field(
        default=fixed("30min"), description="the other side's border units detecting it"
    )


class Agreement(Section):
    """A mutual assistance agreement between two nations for some unit types (all if none)."""

    between: tuple[NationCode, NationCode]
    """The two nations (codes)."""
    unit_types: tuple[Id, ...] = ()
    """Unit types (ids) it covers; all when empty."""


class Reserve(Section):
    """[[coordination.mutual_assistance.reserves]]: units a nation keeps for itself when threatened.

    While the nation is under warning or has open incidents of its own, it lends units of
    ``unit_type`` (every type when absent) to a neighbour only beyond ``keep`` of them at home.
    """

    nation: NationCode
    """The nation that keeps them (TH, LA, KH)."""
    unit_type: Id | None = None
    """The unit type (id) kept; every type when absent."""
    keep: Count = Field(ge=0, le=10_000, description="units of the type kept at home")


class MutualAssistance(Mechanism):
    """Mutual assistance agreements (source 000).

    With ``pre_authorized``, deployments covered by ``agreements`` (every pair and type
    when none are listed) need no approval; anything else waits for case-by-case approval
    at the helping nation's national level, and may be refused. A refused request goes to
    the next nation that could help; ``ask_again_after`` a request unanswered lets another
    be asked too, and a refusing nation may be asked again.
    """

    pre_authorized: Flag = False
    """Deployments covered by an agreement need no approval."""
    agreements: tuple[Agreement, ...] = ()
    """The agreements (every pair and type when none are listed)."""
    approval: DurationDistribution = Field(
        default=fixed("4h"), description="case-by-case national approval of a deployment"
    )
    refusal: Share = Field(default=0.0, description="chance a case-by-case request is refused")
    reserves: tuple[Reserve, ...] = Field(
        default=(), description="units each nation keeps for itself while threatened"
    )
    transit: Flag = False
    """A standing transit arrangement: units helping a neighbour may drive through a third
    nation on the way (without it a unit enters another nation only where it was asked
    to help, and otherwise waits for its own way to reopen)."""
    ask_again_after: Duration = Field(
        default=360.0,
        validate_default=False,
        description=(
            "a request unanswered this long lets the asker ask another nation too; "
            "a nation that refused may be asked again after it"
        ),
    )


class JointCentre(Mechanism):
    """A joint coordination centre that sees all incidents and tasks any nation's units.

    (source 000 "coordinate and execute relief efforts"; 004 coordination between forces)
    """

    enabled: Flag = False
    """A joint coordination centre in force."""
    place: Id | None = None
    """Where it sits (a place id), for the narrative."""


class JointTeams(Mechanism):
    """Joint disaster response teams (source 000): units with ``joint = true`` exist only with it.

    They stand by at a joint base and deploy on either side without request or approval.
    """

    enabled: Flag = False
    """Joint disaster response teams in force (units with joint = true take part)."""


class BorderOperations(Mechanism):
    """Coordinated border operations (source 004, 000): how crossings treat deployments."""

    enabled: Flag = False
    """Coordinated border operations in force."""
    open_24h: Flag = True
    """Posts open around the clock for relief."""
    emergency_lane: Flag = Field(default=True, description="one more lane kept for deployments")
    fast_track: DurationDistribution = Field(
        default=fixed("10min"), description="processing of a deployment instead of the crossing's"
    )


class JointTraining(Mechanism):
    """Joint training and doctrine alignment (source 000): a foreign unit's integration delay."""

    enabled: Flag = False
    """Joint training done: foreign units integrate faster."""
    untrained_integration: DurationDistribution = Field(
        default=fixed("2h"), description="briefing, procedures and equipment without joint training"
    )
    trained_integration: DurationDistribution = Field(
        default=fixed("20min"), description="the same after joint exercises"
    )


class LocalAuthorities(Mechanism):
    """Local authorities and administrative leaders (source 004): village evacuation orders.

    A warning that reaches the EOC becomes a village evacuation order after a decision
    delay, shorter when local authorities are part of the coordination. People leave before
    the water if the order comes at least ``lead_needed`` before it; ``evacuated_share`` of
    them are then no longer stranded.
    """

    enabled: Flag = False
    """Local authorities in the warning plan: orders come sooner."""
    order_delay: DurationDistribution = Field(
        default=fixed("6h"), description="warning to village order, without coordination"
    )
    coordinated_order_delay: DurationDistribution = Field(
        default=fixed("1h"), description="warning to village order, with it"
    )
    lead_needed: Duration = Field(default=120.0, validate_default=False)
    evacuated_share: Share = 0.8
    """Share of a village that leaves on a timely order."""


class Coordination(Section):
    """[coordination]: the arrangements between nations, each a switch (MODEL.md)."""

    channels: Channels = Channels()
    """Communication channels and protocols."""
    military_comms: MilitaryComms = MilitaryComms()
    """Military communications that restore a channel in an outage."""
    language: Language = Language()
    """Language barriers and interpreters."""
    information_sharing: InformationSharing = InformationSharing()
    """Intelligence and information sharing."""
    mutual_assistance: MutualAssistance = MutualAssistance()
    """Mutual assistance agreements and case-by-case approval."""
    joint_centre: JointCentre = JointCentre()
    """A joint coordination centre."""
    joint_teams: JointTeams = JointTeams()
    """Joint disaster response teams."""
    border_operations: BorderOperations = BorderOperations()
    """Coordinated border operations."""
    joint_training: JointTraining = JointTraining()
    """Joint training and doctrine alignment."""
    local_authorities: LocalAuthorities = LocalAuthorities()
    """Local authorities and administrative leaders."""
