"""The value types of the scenario format: ids, codes, dates, durations, shares, counts.

Every section model derives from ``Section`` (immutable, unknown keys refused, defaults
validated like the file's values).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

from sim.scenario.quantities import DURATION_JSON, Duration, duration_minutes

LOCAL_TIME = timezone(timedelta(hours=7), "UTC+7")
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Dates a scenario may give: far enough from year 1 and 9999 that no arithmetic overflows."""

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=64)]
"""Identifier: lower-case letters, digits, '_' and '-' (e.g. "siem_pang")."""

NationCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""ISO 3166 alpha-2 code: TH, LA, KH."""

PlaceKind = Literal[
    "town", "village", "base", "airfield", "hospital", "shelter", "border_post", "eoc"
]
RoadClass = Literal["highway", "rural", "track"]
Mode = Literal["road", "air", "water"]


_NOT_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_IN_TEXT = re.compile(f"[{_NOT_TEXT}]")
_IN_LINE = re.compile(rf"[{_NOT_TEXT}\t\n\r\u2028\u2029]")


def plain_text(text: str, lines: bool = False) -> str:
    """``text`` if it holds no control character (tabs and line breaks only with ``lines``).

    Raises:
        ValueError: it holds one (reports and spreadsheets cannot be written with it).
    """
    found = (_IN_TEXT if lines else _IN_LINE).search(text)
    if found is None:
        return text
    where = f"U+{ord(found.group()):04X} at character {found.start() + 1}"
    if lines:
        raise ValueError(
            f"the text holds a control character, {where}; remove it: "
            "only tabs and line breaks are allowed"
        )
    raise ValueError(
        f"the text holds a line break or a control character, {where}; "
        "write it on one line, without control characters"
    )


def named(text: str) -> str:
    """``text`` if it is a name: not blank, on one line, without control characters.

    Raises:
        ValueError: it is blank, or not ``plain_text`` on one line.
    """
    if not text.strip():
        raise ValueError("the name is blank; give one")
    return plain_text(text)


Line = Annotated[str, AfterValidator(plain_text)]
"""Text on one line, without control characters (it may be empty)."""
Name = Annotated[str, AfterValidator(named)]
"""A name, an agency, a source: text on one line, not blank, without control characters."""


class Section(BaseModel):
    """Base of every scenario section: immutable, unknown keys refused."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        use_attribute_docstrings=True,
        validate_default=True,
        allow_inf_nan=False,
    )


class Source(Section):
    """Where a figure comes from, when it was true and how far to trust it."""

    ref: Name
    """The source: a publication, a survey, or the rule it was computed by."""
    as_of: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = Field(
        examples=["2024", "2018-07", "2025-06-24"]
    )
    """The date (year, month or day) the figure was true."""
    status: Literal["checked", "estimate", "recalled, unverified"]
    """checked against the source; an estimate (a planning figure, or computed by a stated
    rule); or recalled, unverified (check it before relying on it for anything but an
    exercise)."""


def _from_text(text: str) -> date | datetime:
    """A date and time written as text, or a date alone (refused by the caller)."""
    for read in (date.fromisoformat, datetime.fromisoformat):
        with contextlib.suppress(ValueError):
            return read(text)
    raise ValueError(f"'{text}' is not a date and time; write e.g. 2018-07-23T20:00:00+07:00")


def _local_datetime(value: Any) -> Any:
    if isinstance(value, str):
        value = _from_text(value)
    if isinstance(value, datetime):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(
                f"'{value.isoformat()}' is outside the years {FIRST_YEAR}-{LAST_YEAR}; "
                "check the year"
            )
        return value.astimezone(LOCAL_TIME) if value.tzinfo else value.replace(tzinfo=LOCAL_TIME)
    if isinstance(value, date):
        raise ValueError(
            f"{value.isoformat()} is a date without a time; write e.g. "
            f"{value.isoformat()}T00:00:00+07:00"
        )
    raise ValueError(f"{value!r} is not a date and time; write e.g. 2018-07-23T20:00:00+07:00")


DATETIME_JSON = {
    "type": "string",
    "format": "date-time",
    "description": "a date and time, e.g. 2018-07-23T20:00:00+07:00 (UTC+7 when no offset)",
}

LocalDatetime = Annotated[datetime, BeforeValidator(_local_datetime), WithJsonSchema(DATETIME_JSON)]
"""A wall-clock instant in UTC+7 (all three nations): one without an offset is read as
UTC+7, one with another offset is converted."""


def _offset(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and re.match(r"^\d{4}-", value)):
        return _local_datetime(value)
    return duration_minutes(value)


Offset = Annotated[
    float | datetime,
    BeforeValidator(_offset),
    WithJsonSchema({"anyOf": [DURATION_JSON, DATETIME_JSON]}),
]
"""When something happens: a duration after the scenario start ("6h") or a wall-clock time
(a TOML date-time; without an offset it is read as UTC+7; a date without a time is refused)."""

Share = Annotated[float, Field(ge=0, le=1)]
"""A share between 0 and 1."""

Count = Annotated[int, Strict()]
"""A whole number, written as one (not "12", not true)."""

Real = Annotated[float, Strict()]
"""A number, written as one ("14.5" in quotes is text, not a number)."""

MIN_SPEED_KMH = 1.0
"""The slowest travel speed a scenario may give (a team wading through mud): a slower one
is a typing mistake, such as 1e-3 for 1000."""

Speed = Annotated[Real, Field(ge=MIN_SPEED_KMH)]
"""A travel speed in km/h, at least ``MIN_SPEED_KMH`` (each field sets its own maximum)."""

MIN_PER_DAY = 0.001
"""The lowest rate of random events a scenario may give (one in about three years): a
rarer stream seldom happens even in the longest scenario (10 years)."""

PerDay = Annotated[Real, Field(ge=MIN_PER_DAY)]
"""A mean number of random events a day, at least ``MIN_PER_DAY`` (each field sets its own
maximum)."""

Latitude = Annotated[Real, Field(ge=-90, le=90)]
"""Degrees north (negative: south)."""

Longitude = Annotated[Real, Field(ge=-180, le=180)]
"""Degrees east (negative: west)."""

Level = Annotated[Real, Field(ge=-1000, le=10000)]
"""A river gauge reading in metres (a local datum or above sea level)."""

Flag = Annotated[bool, Strict()]
"""true or false."""

Positive = Annotated[Duration, Field(gt=0), WithJsonSchema(DURATION_JSON)]


def _clock_hours(text: str) -> str:
    if text == "24h" or re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d", text):
        return text
    raise ValueError(f'\'{text}\' is not opening hours; write "07:00-17:00" or "24h"')


OpeningHours = Annotated[str, AfterValidator(_clock_hours)]
