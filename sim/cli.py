"""The borderdrill command line: parses, calls the library, prints. No model logic here."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from sim.scenario import ScenarioError, format_duration, read_scenario
from sim.scenario.schema import Scenario
from sim.world.reach import unreachable_needs

EXIT_BAD_INPUT = 2


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
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Run folder to write (default: reports/<scenario>-seed<seed>).",
)
@click.option(
    "--seed", type=click.IntRange(min=0), help="Seed (default: the scenario's [run].seed)."
)
@click.option("--force", is_flag=True, help="Replace the run folder if it exists.")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="Change one scenario field for this run (repeatable), validated like the file.",
)
def run(
    scenario: Path, out: Path | None, seed: int | None, force: bool, overrides: tuple[str, ...]
) -> None:
    """Simulate SCENARIO and write a run folder with its report.

    The folder holds report.html, incidents.csv, events.csv, summary.json, figures/,
    the validated scenario and a manifest. It is written whole or not at all.
    --set makes a what-if without editing the file; the manifest records it.

    \b
    Example:
        borderdrill run scenarios/sekong_flood_2018.toml -o reports/sekong --seed 7
        borderdrill run scenarios/sekong_flood_2018.toml -o reports/preauth \\
            --set coordination.mutual_assistance.pre_authorized=true
    """
    from sim.experiment import run_scenario
    from sim.report import OutputError

    try:
        result = run_scenario(
            scenario, out, seed=seed, force=force, command=sys.argv, overrides=overrides
        )
    except ScenarioError as exc:
        _fail(str(exc))
    except OutputError as exc:
        _fail(str(exc))
    overall = result.summary["overall"]
    response = overall["response_min"]

    def show(minutes: float | None) -> str:
        return "—" if minutes is None else format_duration(minutes)

    within = overall["within_target"]
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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check scenario FILES without running them (exit 2 if invalid).

    Warnings (things that run but are likely not meant) are printed too.

    \b
    Example:
        borderdrill validate scenarios/*.toml
    """
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
        for warning in [*source.warnings, *unreachable_needs(s)]:
            click.echo(f"  warning: {warning.describe()}", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors).

    \b
    Example:
        borderdrill schema > scenario.schema.json
    """
    document = Scenario.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "borderdrill scenario"
    click.echo(json.dumps(document, indent=2))
