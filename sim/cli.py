"""The borderdrill command line: parses, calls the library, prints. No model logic here."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from sim.i18n import LANGUAGES, translator

if TYPE_CHECKING:
    from sim.scenario import ScenarioFile

EXIT_BAD_INPUT = 2
MAX_REPLICATIONS = 1_000_000
"""As the scenario format's limit (``sim.scenario.schema.MAX_REPLICATIONS``)."""
MAX_SEED = 2**63 - 1
"""As the scenario format's ``[run].seed`` and a play session's header allow."""


class FiniteRange(click.FloatRange):
    """A number from ``min`` to ``max``: nan and inf are refused (click's range lets nan by)."""

    def __init__(self, min: float, max: float) -> None:
        super().__init__(min=min, max=max)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(
                f"{value} is not a number: give one from {self.min:g} to {self.max:g}.", param, ctx
            )
        return number


class RegularFile(click.Path):
    """A file's path: a folder, pipe or device is refused (a pipe would be waited on for
    ever)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from sim.scenario.compose import not_a_file

        path = super().convert(value, param, ctx)
        if isinstance(path, Path) and not_a_file(path):
            self.fail(f"{str(path)!r} is not a file (a pipe or device): give a file.", param, ctx)
        return path


FILE = RegularFile()
SEED = click.IntRange(min=0, max=MAX_SEED)


SEED_OPTION = click.option(
    "--seed", type=SEED, help="Seed, 0 to 2^63-1 (default: the scenario's [run].seed)."
)


def PARALLEL(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command that runs replications shares."""
    options = [
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            help="Worker processes (default: one a core). More than four a core, or than "
            "there is work for, are not started; the results are the same whatever the number.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="Run on Dask: a scheduler address (tcp://host:8786) or 'local'.",
        ),
        click.option("--quiet", is_flag=True, help="No progress bar."),
        click.option(
            "--allow-large",
            is_flag=True,
            help="Run even beyond the soft limits on work and memory (replications, trips, "
            "fire grid, hours of computing) that would otherwise refuse the run.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the report, the Word AAR and the MSEL spreadsheet: English, Thai, "
    "Lao or Khmer (the translations are machine-drafted, awaiting a native speaker's review).",
)


def set_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The repeatable --set PATH=VALUE option, with its help for one command."""
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=help_text)


def _warn(source: ScenarioFile) -> None:
    """Print what looks unmeant in a scenario, one line each, before anything runs."""
    from sim.world.reach import route_warnings

    for warning in [*source.warnings, *source.located(route_warnings(source.scenario))]:
        click.echo(f"  warning: {source.path}: {warning.describe()}", err=True)


def _played_session(path: Path, scenario_path: Path) -> Any:
    """A play session file played on this scenario file, rebuilt for replays."""
    from sim.decisions.replay import load_played
    from sim.decisions.session import SessionError

    try:
        return load_played(scenario_path, path)
    except SessionError as exc:
        _fail(str(exc))


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="borderdrill")
def main() -> None:
    """borderdrill: simulate joint disaster response on the Thailand-Laos-Cambodia border.

    \b
    Example:
        borderdrill run scenarios/sekong_flood_2018.toml
    """


@main.command()
@click.argument("scenario", type=FILE)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder to write (default: reports/<scenario>-seed<seed>).",
)
@SEED_OPTION
@click.option("--force", is_flag=True, help="Replace the run folder if it exists.")
@set_option("Change one scenario field for this run (repeatable), validated like the file.")
@click.option(
    "-n",
    "--replications",
    type=click.IntRange(min=1, max=MAX_REPLICATIONS),
    help="Replications (default: the scenario's [run].replications).",
)
@click.option(
    "--assess",
    is_flag=True,
    help="Also switch each coordination arrangement in turn (as borderdrill assess) and add "
    "the improvement plan to the report.",
)
@click.option(
    "--assess-from",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Take the improvement plan from an assess folder of the same scenario file.",
)
@click.option(
    "--decisions",
    "decisions_file",
    type=FILE,
    help="Replay the players' decisions of a play session file in every replication "
    "(default seed: the session's).",
)
@LANG_OPTION
@PARALLEL
def run(
    scenario: Path,
    out: Path | None,
    seed: int | None,
    force: bool,
    overrides: tuple[str, ...],
    replications: int | None,
    jobs: int | None,
    scheduler: str | None,
    quiet: bool,
    allow_large: bool,
    assess: bool,
    assess_from: Path | None,
    decisions_file: Path | None,
    lang: str,
) -> None:
    """Simulate SCENARIO and write a run folder with its report.

    The folder holds report.html, incidents.csv, events.csv, summary.json, figures/,
    the validated scenario and a manifest. It is written whole or not at all. With
    several replications the report adds each key figure's mean and 95 % confidence
    interval across them, and kpis.csv one row per replication. --set makes a what-if
    without editing the file; the manifest records it. --decisions replays a played
    exercise (borderdrill play) over the replications; a decision that no longer applies
    in a replication falls back to doctrine, and the run counts how often.

    \b
    Example:
        borderdrill run scenarios/sekong_flood_2018.toml -o reports/sekong --seed 7
        borderdrill run scenarios/sekong_flood_2018.toml --decisions reports/play.jsonl -n 200
        borderdrill run scenarios/sekong_flood_2018.toml -o reports/preauth \\
            --set coordination.mutual_assistance.pre_authorized=true
    """
    from sim.experiment import run_scenario
    from sim.report import OutputError
    from sim.report.estimates import with_ci
    from sim.scenario import ScenarioError, format_duration, read_scenario

    played = None
    try:
        source = read_scenario(scenario, overrides)
        _warn(source)
        if decisions_file is not None:
            played = _played_session(decisions_file, scenario)
            seed = played.seed if seed is None else seed
        result = run_scenario(
            scenario,
            out,
            seed=seed,
            force=force,
            command=sys.argv,
            overrides=overrides,
            replications=replications,
            jobs=jobs,
            scheduler=scheduler,
            progress=False if quiet else None,
            allow_large=allow_large,
            assess=assess,
            assess_from=assess_from,
            played=played,
            lang=lang,
        )
    except ScenarioError as exc:
        _fail(str(exc))
    except (OutputError, RuntimeError) as exc:
        _fail(str(exc))
    overall = result.summary["overall"]
    response = overall["response_min"]

    def show(minutes: float | None) -> str:
        return "—" if minutes is None else format_duration(minutes)

    within = overall["within_target"]
    across = result.summary.get("replications")
    players = result.summary.get("players")
    if players is not None:
        from sim.report.decisions import weightiest_decision

        click.echo(
            f"players' decisions from {decisions_file}: {players['by_players']} replayed,"
            f" {players['departures']} of them departing from doctrine"
        )
        click.echo(
            "  departures that no longer applied (doctrine decided):"
            f" {players['fallbacks_in_replication_0']} in replication 0,"
            f" {players['fallbacks_mean']:.2f} a replication on average"
        )
        t = translator(lang)
        heaviest = weightiest_decision(players, source.scenario, t)
        if heaviest:
            click.echo("  " + t("the decision that weighed most: %(decision)s", decision=heaviest))
    if across:
        median = across["kpis"]["response_median_min"]
        click.echo(f"{result.summary['scenario']}: {across['n']} replications")
        click.echo(f"  median wait for help: {with_ci('response_median_min', median)}")
        click.echo(f"  within target: {with_ci('within_target', across['kpis']['within_target'])}")
        click.echo(f"  report (replication 0 told in full): {result.folder / 'report.html'}")
        return
    click.echo(
        f"{result.summary['scenario']}: {overall['incidents']} incidents, "
        f"{overall['unserved']} unserved"
    )
    click.echo(
        f"  response time: median {show(response['median'])}, p90 {show(response['p90'])}, "
        f"within target {'—' if within is None else f'{within:.0%}'}"
    )
    click.echo(f"  report: {result.folder / 'report.html'}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=FILE)
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario FILES without running them (exit 2 if invalid).

    Warnings (things that run but are likely not meant) are printed too.

    \b
    Example:
        borderdrill validate scenarios/*.toml
    """
    from sim.scenario import ScenarioError, format_duration, read_scenario
    from sim.scenario.budget import budget_warnings

    failed = False
    for file in files:
        try:
            source = read_scenario(file)
        except ScenarioError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        s = source.scenario
        counts = [
            (len(s.places), "place"),
            (len(s.roads), "road"),
            (sum(g.count for g in s.units), "unit"),
            (len(s.injects), "inject"),
        ]
        listed = ", ".join(f"{n} {word}{'s' if n != 1 else ''}" for n, word in counts)
        click.echo(f"ok: {file} ({listed}, {format_duration(s.duration_min)})")
        _warn(source)
        for warning in source.located(budget_warnings(s)):
            click.echo(f"  warning: {file}: {warning.describe()}", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors).

    \b
    Example:
        borderdrill schema > scenario.schema.json
    """
    from sim.scenario.schema import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


@main.command()
@click.argument("search", nargs=-1)
@click.option("--parts", is_flag=True, help="List the library's parts instead.")
def places(search: tuple[str, ...], parts: bool) -> None:
    """List or find places, roads and crossings of the library's gazetteer of the border.

    SEARCH words are matched, in any case, against id, name, nation, kind ("road",
    "crossing") and the part that holds the entry; a scenario takes them with include =
    ["library:<part>"]. Under each entry: its status (checked, estimate, or recalled,
    unverified), the date it was true and its source; under a crossing, any dated closure of
    the crossings between its nations. `borderdrill library` lists the rest of the library.

    \b
    Example:
        borderdrill places chong mek
        borderdrill places LA hospital
        borderdrill places road poipet
        borderdrill places --parts
    """
    from sim.library import closures, find, gazetteer, roads
    from sim.scenario.compose import library_parts

    if parts:
        for name in library_parts():
            click.echo(name)
        return
    found = find(list(search), gazetteer() + roads())
    if not found:
        _fail(f"no place, road or crossing matches {' '.join(search)!r}: try fewer words")
    nation = {e.id: e.data["nation"] for e in gazetteer() if e.section == "places"}
    for entry in found:
        d = entry.data
        if entry.section == "crossings":
            what = f"crossing     {' - '.join(d['posts'])}, {d.get('hours', '24h')}"
        elif entry.section == "roads":
            what = (
                f"road         {d.get('nation', '--')}  {d['km']:g} km, {d.get('class', 'rural')}"
            )
        else:
            what = f"{d['kind']:<12} {d['nation']}  {d['lat']:.3f}, {d['lon']:.3f}"
        _echo_entry(entry.id, what, d["name"], entry.part, entry.source)
        if entry.section == "crossings":
            between = {nation[post] for post in d["posts"]}
            for closure in closures():
                if set(closure["between"]) == between:
                    ended = f" to {closure['until']:%d %B %Y}" if "until" in closure else ""
                    click.echo(
                        f"{'':<4}closed from {closure['from']:%d %B %Y}{ended}: "
                        f"{closure['name']} ({closure['source']['status']}; "
                        f"`borderdrill library {closure['id']}`)"
                    )


def _echo_entry(key: str, what: str, name: str, part: str, source: dict[str, str] | None) -> None:
    """One entry of the library: a line, and its source under it."""
    click.echo(f"{key:<32} {what:<44} {name}  (library:{part})")
    if source:
        click.echo(f"{'':<4}{source['status']}, as of {source['as_of']}: {source['ref']}")


@main.command()
@click.argument("search", nargs=-1)
def library(search: tuple[str, ...]) -> None:
    """List or find the library's other entries: closures, nations, needs, unit types,
    units and coordination mechanisms, each with its source.

    SEARCH words are matched, in any case, against id, name, nation, section ("unit types",
    "coordination") and part. Under each entry: its status (checked, estimate, or recalled,
    unverified), the date it was true and its source. `borderdrill places` lists places,
    roads and crossings.

    \b
    Example:
        borderdrill library unit types flood
        borderdrill library coordination
        borderdrill library closures
    """
    from sim.library import find, reusable

    found = find(list(search), reusable())
    if not found:
        _fail(f"no entry of the library matches {' '.join(search)!r}: try fewer words")
    for entry in found:
        d = entry.data
        match entry.section:
            case "closures":
                what = f"closure      {'-'.join(d['between'])} from {d['from']:%Y-%m-%d}"
            case "nations":
                what = f"nation       agency {d['agency']}, language {d['language']}"
            case "needs":
                what = f"need         target {d['target']}, priority {d.get('priority', 3)}"
            case "unit_types":
                what = f"unit type    {d['mode']}, {d['speed_kmh']:g} km/h, {d['capacity']} aboard"
            case "units":
                what = (
                    f"units        {d['nation']}  {d.get('count', 1)} x {d['type']} at {d['base']}"
                )
            case _:
                in_force = d.get("enabled", d.get("pre_authorized", False))
                what = f"coordination {'in force' if in_force else 'not in force'}"
        name = d.get("name") or d.get("agency") or entry.id.replace("_", " ")
        _echo_entry(entry.id, what, str(name), entry.part, entry.source)


@main.command()
@click.argument("file", type=FILE)
@click.option("--nations", required=True, metavar="A,B", help="The two nations, e.g. TH,LA.")
@click.option(
    "--hazard", type=click.Choice(["flood", "wildfire"]), default="flood", show_default=True
)
@click.option(
    "--near", required=True, metavar="PLACE", help="A crossing or place of the library (id)."
)
@click.option(
    "--within",
    type=FiniteRange(0, 20_000),
    metavar="KM",
    help="Refuse a crossing farther than this from PLACE (default: 100 km).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def new(
    file: Path, nations: str, hazard: str, near: str, within: float | None, force: bool
) -> None:
    """Write a small, commented scenario for a stretch of border, from the library.

    It includes the gazetteer of the crossing between the two nations nearest PLACE, the
    nations, the unit types and needs of the hazard and the 2018 coordination preset, and
    adds each side's EOC, a first inventory of units and a first MSEL to edit. It runs as
    it is.

    \b
    Example:
        borderdrill new my_flood.toml --nations TH,LA --hazard flood --near nakhon_phanom_thakhek
        borderdrill run my_flood.toml
    """
    from sim.library.draft import NEAR_KM, DraftError, Hazard, draft

    if file.exists() and not force:
        _fail(f"{file} exists: give another name, or --force to replace it")
    kind: Hazard = "flood" if hazard == "flood" else "wildfire"
    try:
        drafted = draft(nations, kind, near, NEAR_KM if within is None else within)
    except DraftError as exc:
        _fail(str(exc))
    try:
        file.write_text(drafted.text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {file} ({exc.strerror or exc})")
    click.echo(
        f"drafted for the crossing {drafted.crossing}, {drafted.km:,.0f} km from {drafted.near}"
    )
    click.echo(f"wrote {file}: edit it, then `borderdrill run {file}`")


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("-o", "--out", type=FILE, help="TOML file to write.")
@click.option(
    "--detour",
    type=FiniteRange(1.0, 3.0),
    help="Road length over great-circle distance where none is given "
    "(default: 1.3 on highways, 1.5 on rural roads and tracks).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_(files: tuple[Path, ...], out: Path | None, detour: float | None, force: bool) -> None:
    """Turn your own villages and roads (CSV or GeoJSON) into scenario tables.

    A places CSV has the columns name, nation, lat, lon and optionally id, kind,
    population, water_access, and road_to (a place it is joined to) with road_km and
    road_class; a roads CSV has from, to and optionally km, class, id. GeoJSON: Points are
    places, LineStrings roads. Roads without a length get the great-circle distance times
    the detour factor (or their drawn length). The output is a part to include in a scenario.

    The CSV separator (comma, semicolon, tab or bar) is found from the header and said.
    Names are kept as written; an id not given is made from the name in Latin letters.
    Every bad row or feature is listed (exit 2, nothing written); places far from the
    border region are warned.

    \b
    Example:
        borderdrill import villages.csv -o villages.toml
        borderdrill import survey.geojson --detour 1.4 -o survey.toml
    """
    from sim.library.imports import ImportProblem, import_places

    if out is not None and out.exists() and not force:
        _fail(f"{out} exists: give another name, or --force to replace it")
    try:
        imported = import_places(list(files), detour)
    except ImportProblem as exc:
        _fail(str(exc))
    for line in imported.notes:
        click.echo(line, err=True)
    for warning in imported.warnings:
        click.echo(f"  warning: {warning.describe()}", err=True)
    if out is None:
        click.echo(imported.text, nl=False)
        return
    try:
        out.write_text(imported.text, encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {out} ({exc.strerror or exc})")
    click.echo(f'wrote {out}: include it in a scenario with include = ["{out.name}"]')


@dataclass(frozen=True)
class ExperimentSettings:
    """The options every experiment command shares."""

    out: Path | None
    replications: int | None
    seed: int | None
    force: bool
    jobs: int | None
    scheduler: str | None
    quiet: bool
    allow_large: bool
    lang: str


def _experiment_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the shared experiment options; the command receives them as ``settings``."""

    @functools.wraps(command)
    def with_settings(**kwargs: Any) -> None:
        names = [f.name for f in dataclasses.fields(ExperimentSettings)]
        settings = ExperimentSettings(**{name: kwargs.pop(name) for name in names})
        command(settings=settings, **kwargs)

    options = [
        click.option(
            "-o",
            "--out",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder to write (default: under reports/).",
        ),
        click.option(
            "-n",
            "--replications",
            type=click.IntRange(min=2, max=MAX_REPLICATIONS),
            help="Replications a variant (default: the scenario's, at least 30).",
        ),
        SEED_OPTION,
        click.option("--force", is_flag=True, help="Replace the folder if it is an earlier one."),
    ]
    decorated: Callable[..., None] = with_settings
    for option in reversed(options):
        decorated = option(decorated)
    return PARALLEL(LANG_OPTION(decorated))


def _run_experiment(
    settings: ExperimentSettings,
    base: ScenarioFile,
    kind: str,
    names: Sequence[str],
    experiment: Callable[..., Any],
    played: Any = None,
    notes: dict[str, list[str]] | None = None,
) -> None:
    """Run an experiment of the library (``experiment(n=, seed=, options=)``), write its
    folder and print the ranking. ``names``: the variants', for the default folder;
    ``notes``: more lines on what a variant is."""
    from sim.experiment import RunOptions
    from sim.experiment.folders import experiment_folder
    from sim.experiment.variants import experiment_size
    from sim.report import OutputError, check_replaceable
    from sim.report.estimates import label, with_ci
    from sim.report.experiment_report import HEADLINE, headline_kpi
    from sim.scenario import ScenarioError

    _warn(base)
    n, seed = experiment_size(base.scenario, settings.replications, settings.seed, played)
    out = settings.out or experiment_folder(kind, base.path, seed, n, names, base.overrides)
    options = RunOptions(
        jobs=settings.jobs,
        scheduler=settings.scheduler,
        progress=False if settings.quiet else None,
        allow_large=settings.allow_large,
    )
    try:
        check_replaceable(out.resolve(), force=settings.force)  # before running, not after
        result = experiment(n=n, seed=seed, played=played, options=options)
        folder = result.write(
            out, force=settings.force, command=sys.argv, notes=notes, lang=settings.lang
        )
    except (ScenarioError, OutputError, RuntimeError) as exc:
        _fail(str(exc))
    click.echo(f"{result.description}: {n} replications a variant, seed {seed}")
    for name in result.debriefs:
        fell = result.estimate("decision_fallbacks", name).mean
        click.echo(f"  {name}: {fell:.2f} decisions a replication fell back to doctrine")
        heaviest = result.weightiest(name, settings.lang)
        if heaviest:
            t = translator(settings.lang)
            click.echo(
                f"  {name}: " + t("the decision that weighed most: %(decision)s", decision=heaviest)
            )
    others = list(result.ranking()["variant"])
    effects = {v: {k: result.difference(k, v) for k in HEADLINE} for v in others}
    headline = headline_kpi({v: {k: e.as_dict() for k, e in d.items()} for v, d in effects.items()})
    for name in result.ranking(headline)["variant"]:
        if result.identical(name):
            click.echo(f"  {name}: no effect in this scenario (every replication identical)")
            continue
        shown = [
            f"{label(k)} {with_ci(k, e.as_dict(), difference=True)}"
            + (", no clear effect" if e.spans_zero else "")
            for k, e in sorted(effects[name].items(), key=lambda ke: ke[0] != headline)
        ]
        click.echo(f"  {name}: {'; '.join(shown)}")
    click.echo(f"  report: {folder / 'report.html'}")


@main.command()
@click.argument("scenario", type=FILE)
@click.option(
    "--seats",
    metavar="TH,LA,JCC",
    help="The seats played (default: every nation, and JCC with a joint centre).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--session",
    "session_file",
    type=FILE,
    help="Session file: resumed if it exists, else started (default: a new one in reports/).",
)
@SEED_OPTION
@click.option(
    "--url",
    help="The address the room reaches this machine at, e.g. http://192.168.1.20:8000: the"
    " links are built on it, and commands are taken only from its pages (default:"
    " http://HOST:PORT).",
)
def play(
    scenario: Path,
    seats: str | None,
    host: str,
    port: int,
    session_file: Path | None,
    seed: int | None,
    url: str | None,
) -> None:
    """Run SCENARIO as a tabletop exercise in the browser.

    Prints the facilitator's address, one join link per seat, and one read-only link per
    seat for evaluators and observers. Every decision is
    written to the session file the moment it is made; --session FILE resumes it.
    Afterwards, replay the players' decisions over replications with
    `borderdrill run SCENARIO --decisions FILE`.

    \b
    Example:
        borderdrill play scenarios/sekong_flood_2018.toml --seats TH,LA,KH
        borderdrill play scenarios/sekong_flood_2018.toml --session reports/play.jsonl
    """
    import re
    from datetime import UTC, datetime

    from sim.decisions.commands import PROJECTOR
    from sim.decisions.session import SessionError, open_session, possible_seats
    from sim.scenario import ScenarioError, read_scenario

    try:
        source = read_scenario(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
    _warn(source)
    spec = source.scenario
    possible = possible_seats(spec)
    chosen = None
    if seats is not None:
        chosen = [s.strip().upper() for s in seats.split(",") if s.strip()]
        wrong = [s for s in chosen if s not in possible]
        if wrong or not chosen or len(set(chosen)) < len(chosen):
            _fail(f"--seats: give distinct seats among {','.join(possible)} (not {seats!r})")
    if session_file is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        session_file = Path("reports") / f"play-{scenario.stem}-{stamp}.jsonl"
    from sim.decisions.commands import FACILITATOR
    from sim.play.server import PlayServer, serve

    if url is None:
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    elif not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(:\d+)?/?", url):
        _fail(f"--url: the address the room uses, e.g. http://192.168.1.20:{port} (not {url!r})")
    try:
        session, resumed = open_session(session_file, spec, source.sha256, seed, chosen)
        server = PlayServer(spec, session, str(scenario), url)
    except SessionError as exc:
        _fail(str(exc))
    if session.notice:
        click.echo(f"repaired: {session.notice}", err=True)
    links = server.links()
    verb = f"resumed ({len(session.commands)} commands)" if resumed else "started"
    click.echo(f"{spec.scenario.name.en}: session {session_file} {verb}, seed {session.seed}")
    click.echo(f"  facilitator: {links.pop(FACILITATOR)}")
    click.echo(f"  projector: {links.pop(PROJECTOR)}")
    for seat, link in links.items():
        click.echo(f"  seat {seat}: {link}")
    for seat, link in server.observer_links().items():
        click.echo(f"  observer {seat}: {link}")
    if url is None and host in ("0.0.0.0", "::"):
        click.echo("  (on the room's network, pass --url with this machine's address)")
    serve(server, host, port)


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("spec", nargs=-1, type=click.UNPROCESSED, required=True)
@click.option(
    "--decisions",
    "decisions_file",
    type=FILE,
    help="Add the variant 'players': the decisions of a play session file, replayed "
    "(default seed: the session's).",
)
@_experiment_options
def compare(
    spec: tuple[str, ...], decisions_file: Path | None, settings: ExperimentSettings
) -> None:
    """Compare variants of a scenario on the same random numbers (paired differences).

    SPEC is the base scenario, then variants: --variant NAME followed by its --set
    PATH=VALUE changes, or other scenario files. A --set before the first --variant
    applies to every variant and the baseline. --decisions SESSION adds the players'
    decisions of a played exercise as a variant, measured against doctrine.

    \b
    Example:
        borderdrill compare scenarios/sekong_flood_2018.toml \\
            --variant preauthorised --set coordination.mutual_assistance.pre_authorized=true \\
            --variant hotlines --set coordination.channels.enabled=true
        borderdrill compare scenarios/sekong_flood_2018.toml --decisions reports/play.jsonl
    """
    from sim.experiment import PLAYERS
    from sim.experiment import compare as compare_variants
    from sim.scenario import ScenarioError, read_scenario

    files, common, named = _parse_variants(spec)
    names = ["baseline", *(Path(f).stem for f in files[1:]), *(name for name, _ in named)]
    if decisions_file is not None:
        names.append(PLAYERS)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        _fail(
            f"variant names must differ ({', '.join(repeated)} is used twice, and "
            "'baseline' is the base scenario's): rename with --variant"
        )
    if len(names) < 2:
        _fail("nothing to compare: add --variant NAME --set PATH=VALUE, or another scenario file")
    try:
        base = read_scenario(files[0], common)
        variants: dict[str, Any] = {Path(f).stem: read_scenario(f, common) for f in files[1:]}
        variants.update(named)
    except ScenarioError as exc:
        _fail(str(exc))
    played, notes = None, None
    if decisions_file is not None:
        played = _played_session(decisions_file, base.path)
        mine = len(played.by_players)
        t = translator(settings.lang)
        notes = {
            PLAYERS: [
                t(
                    "the players' decisions in %(file)s (%(count)s)",
                    file=decisions_file.name,
                    count=mine,
                )
            ]
        }
    _run_experiment(
        settings,
        base,
        "compare",
        names,
        functools.partial(compare_variants, base, variants),
        played,
        notes,
    )


def _parse_variants(
    spec: tuple[str, ...],
) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
    files: list[str] = []
    common: list[str] = []
    named: list[tuple[str, list[str]]] = []
    tokens = list(spec)
    while tokens:
        token = tokens.pop(0)
        option, _, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if option in ("--variant", "--set"):
            if not inline and not tokens:
                _fail(f"{option} needs a value")
            value = inline or tokens.pop(0)
            if value.startswith("--"):
                _fail(f"{option} needs a value before {value}")
            if option == "--variant":
                named.append((value, []))
            else:
                (named[-1][1] if named else common).append(value)
        elif token.startswith("-"):
            _fail(f"unknown option {token} (see borderdrill compare --help)")
        else:
            files.append(token)
    if not files:
        _fail("give the base scenario file first")
    from sim.scenario.compose import not_a_file

    for file in files:
        if not_a_file(Path(file)):
            _fail(f"{file} is not a file (a folder, pipe or device): give a scenario file")
    return files, common, named


@main.command()
@click.argument("scenario", type=FILE)
@set_option("Change the baseline (repeatable).")
@_experiment_options
def assess(scenario: Path, overrides: tuple[str, ...], settings: ExperimentSettings) -> None:
    """Rank the coordination mechanisms by what switching each one saves.

    Each mechanism's switch is turned from its baseline setting (on if off, off if on),
    one at a time, on the same random numbers; the report ranks them by the change in
    median and 90th percentile response time, with 95 % confidence intervals, as a
    table and a tornado chart: the evidence an improvement plan needs.

    \b
    Example:
        borderdrill assess scenarios/sekong_flood_2018.toml -n 100
    """
    from sim.experiment import assess as assess_mechanisms
    from sim.experiment.variants import MECHANISMS, mechanism_in_force
    from sim.scenario import ScenarioError, read_scenario

    try:
        base = read_scenario(scenario, overrides)
    except ScenarioError as exc:
        _fail(str(exc))
    switched = [
        f"{m} {'off' if mechanism_in_force(base.scenario, m) else 'on'}" for m in MECHANISMS
    ]
    names = ["baseline", *switched]
    _run_experiment(settings, base, "assess", names, functools.partial(assess_mechanisms, base))


@main.command()
@click.argument("scenario", type=FILE)
@click.option(
    "--param",
    "params",
    multiple=True,
    required=True,
    metavar="PATH=V1,V2,...",
    help="A field and the values to try (repeatable: a grid).",
)
@set_option("Change every point (repeatable).")
@_experiment_options
def sweep(
    scenario: Path,
    params: tuple[str, ...],
    overrides: tuple[str, ...],
    settings: ExperimentSettings,
) -> None:
    """Run a grid of parameter values and plot the key figures against it.

    \b
    Example:
        borderdrill sweep scenarios/sekong_flood_2018.toml \\
            --param coordination.mutual_assistance.approval=1h,4h,12h
    """
    from sim.experiment import sweep as sweep_grid
    from sim.scenario import ScenarioError, read_scenario

    grid: dict[str, list[str]] = {}
    for param in params:
        path, sep, values = param.partition("=")
        if not sep or not values.strip():
            _fail(
                f"--param {param}: write PATH=V1,V2,..., "
                "e.g. coordination.language.interpreters=1,2,4"
            )
        key, points = path.strip(), [v.strip() for v in values.split(",")]
        if key in grid or len(set(points)) != len(points):
            _fail(f"--param {param}: give each field once, with different values")
        grid[key] = points
    points = [
        ", ".join(f"{p}={v}" for p, v in zip(grid, vs, strict=True))
        for vs in itertools.product(*grid.values())
    ]
    if len(points) < 2:
        _fail("a sweep needs at least two points: give a --param two values or more")
    try:
        base = read_scenario(scenario, overrides)
    except ScenarioError as exc:
        _fail(str(exc))
    _run_experiment(settings, base, "sweep", points, functools.partial(sweep_grid, base, grid))
