"""The event log's records are typed: every event an ``Event``; each decision and each wait
kept as its record, in the order of its event, the event's detail its text written from
the record."""

from __future__ import annotations

from pathlib import Path

from sim import load_scenario, log, simulate

SEKONG = Path(__file__).parents[1] / "scenarios" / "sekong_flood_2018.toml"


def test_decisions_and_waits_are_kept_typed_beside_their_events() -> None:
    run = simulate(load_scenario(SEKONG), seed=1)
    assert all(type(e) is log.Event for e in run.events)
    decided = [e for e in run.events if e.event in log.DECISION_EVENTS]
    waited = [e for e in run.events if e.event == log.WAITED]
    assert len(run.decisions) == len(decided) > 100 and len(run.waits) == len(waited) > 0
    for e, d in zip(decided, run.decisions, strict=True):
        assert (e.time_min, e.event, e.incident, e.unit) == d[:4] and e.detail == str(d)
    for e, w in zip(waited, run.waits, strict=True):
        assert (e.time_min, e.incident, e.unit) == w[:3] and e.detail == str(w)
        assert w.cause in ("daylight", "grounding", "repair") and w.minutes > 0
    records = list(run.records())
    assert len(records) == len(run.events)
    assert [r.event for r in records] == [e.event for e in run.events]


def test_a_decisions_text_is_written_from_its_record() -> None:
    options = (log.Option("la-boat", "300"), log.Option("wait"))
    record = log.Decision(
        60.0, log.DECISION, 3, "la-boat", "LA", "assign", "la-boat", "nearest", options, "a/1", 7
    )
    assert str(record) == "LA assign la-boat nearest [la-boat@300,wait] a/1 #7"
    assert str(record._replace(point=-1)) == "LA assign la-boat nearest [la-boat@300,wait] a/1"
    assert str(log.Wait(10.0, 3, "la-heli", "daylight", 125.456)) == "daylight 125.46"
