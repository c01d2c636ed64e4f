"""Durations with units ("45min", "2h", "1d12h") and the scenario format's distributions.

Durations are held as float minutes. A distribution is written either as a bare value
(a fixed duration or number) or as an inline table tagged by ``dist``::

    mobilisation = "45min"
    trip = { dist = "triangular", low = "20min", mode = "30min", high = "1h" }
    processing = { dist = "lognormal", median = "40min", p90 = "2h" }
    people = { dist = "uniform", low = 2, high = 12 }
"""

from __future__ import annotations

import math
import re
from functools import cached_property
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

MINUTES_PER_UNIT = {"s": 1 / 60, "sec": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(sec|min|s|h|d)")
_WHOLE = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*(?:sec|min|s|h|d)\s*)+$")
Z90 = 1.2815515655446004  # standard normal quantile at 0.9
MAX_DURATION_MIN = 3650 * 1440.0
"""The longest duration a scenario may give (10 years): longer ones are typing mistakes."""
MAX_NUMBER = 10_000_000.0
"""The largest parameter of a number distribution (people, a level): draws stay finite."""
MAX_LOGNORMAL_SPREAD = 1000.0
"""The largest p90 / median of a log-normal: a wider one draws delays of centuries."""


def parse_duration(text: str) -> float:
    """Parse a duration such as "45min", "2h", "1d 6h" or "90s" into minutes.

    Raises:
        ValueError: the text has no unit or an unknown one.
    """
    if text.strip().startswith("-"):
        raise ValueError(f"'{text}' is negative; durations count forward, write e.g. \"10min\"")
    if not _WHOLE.match(text):
        raise ValueError(
            f"'{text}' is not a duration; write a number with a unit, "
            'e.g. "45min", "2h", "1d" or "1h30min" (units: s, min, h, d)'
        )
    minutes = sum(float(n) * MINUTES_PER_UNIT[u] for n, u in _PART.findall(text))
    if not minutes <= MAX_DURATION_MIN:  # also catches a number too long to be finite
        shown = text if len(text) <= 24 else text[:20] + "..."
        raise ValueError(
            f"'{shown}' is longer than 10 years (3650d), the longest duration a scenario "
            "may give; check the number and its unit"
        )
    return minutes


def format_duration(minutes: float) -> str:
    """Format minutes the way a planner reads them: "2h 05min", "45min", "1d 3h"."""
    if not math.isfinite(minutes):
        return "—"
    total = round(minutes)
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return " ".join(
            [
                f"{days}d",
                *([f"{hours}h"] if hours or mins else []),
                *([f"{mins:02d}min"] if mins else []),
            ]
        )
    if hours:
        return f"{hours}h {mins:02d}min"
    return f"{mins}min"


def duration_minutes(value: Any) -> Any:
    """Minutes of a duration written with a unit; other values pass through for pydantic."""
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, bool):
        raise ValueError(f'{str(value).lower()} is not a duration; write e.g. "45min" or "2h"')
    if not isinstance(value, int | float):
        return value
    raise ValueError(
        f'{value} has no unit; write it as a duration, e.g. "{value}min" or "{value}h"'
    )


DURATION_JSON = {
    "type": "string",
    "pattern": r"^\s*(\d+(\.\d+)?\s*(sec|min|s|h|d)\s*)+$",
    "description": 'a duration with its unit: "45min", "2h", "1d", "1h30min"',
}

Duration = Annotated[
    float, BeforeValidator(duration_minutes), Field(ge=0), WithJsonSchema(DURATION_JSON)
]
"""A non-negative duration in minutes, written with a unit in the scenario file."""


class RandomSource(Protocol):
    """Standard variates drawn in batches (see ``sim.model.random.RandomStream``)."""

    def uniform(self) -> float: ...
    def normal(self) -> float: ...
    def exponential(self) -> float: ...


Param = Annotated[float, Field(ge=0, le=MAX_NUMBER)]
"""A distribution's parameter: finite, not negative, at most ``MAX_NUMBER``."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def least(self) -> float:
        """The smallest value a draw can take."""
        return 0.0

    def draw(self, source: RandomSource) -> float:
        raise NotImplementedError


class Fixed(_Dist):
    """Always the same value."""

    dist: Literal["fixed"] = "fixed"
    value: Param

    @property
    def mean(self) -> float:
        return self.value

    @property
    def least(self) -> float:
        return self.value

    def draw(self, source: RandomSource) -> float:
        return self.value


class Uniform(_Dist):
    """Uniform between low and high."""

    dist: Literal["uniform"]
    low: Param
    high: Param

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must not be below low; swap them")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def least(self) -> float:
        return self.low

    def draw(self, source: RandomSource) -> float:
        return self.low + (self.high - self.low) * source.uniform()


class Triangular(_Dist):
    """Triangular with a minimum, a most likely value and a maximum."""

    dist: Literal["triangular"]
    low: Param
    mode: Param
    high: Param

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low <= mode <= high; reorder the three values")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def least(self) -> float:
        return self.low

    def draw(self, source: RandomSource) -> float:
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return low
        u = source.uniform()
        cut = (mode - low) / (high - low)
        if u < cut:
            x = low + math.sqrt(u * (high - low) * (mode - low))
        else:
            x = high - math.sqrt((1 - u) * (high - low) * (high - mode))
        return min(max(x, low), high)  # rounding never takes a draw outside its range


class LogNormal(_Dist):
    """Log-normal given by its median and 90th percentile (a right-skewed delay)."""

    dist: Literal["lognormal"]
    median: Param = Field(gt=0)
    p90: Param = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        if self.p90 <= self.median:
            raise ValueError(
                "p90 must be above the median (a delay's tail is longer than its middle)"
            )
        if self.p90 > MAX_LOGNORMAL_SPREAD * self.median:
            raise ValueError(
                f"p90 is more than {MAX_LOGNORMAL_SPREAD:,.0f} times the median, a spread "
                "so wide that draws run to centuries; bring p90 closer to the median"
            )
        return self

    @cached_property
    def sigma(self) -> float:
        return math.log(self.p90 / self.median) / Z90

    @cached_property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)

    def draw(self, source: RandomSource) -> float:
        return self.median * math.exp(self.sigma * source.normal())


class Exponential(_Dist):
    """Exponential with the given mean (memoryless waiting)."""

    dist: Literal["exponential"]
    mean_value: Param = Field(gt=0, alias="mean")

    @property
    def mean(self) -> float:
        return self.mean_value

    def draw(self, source: RandomSource) -> float:
        return self.mean_value * source.exponential()


def fixed(value: str | float) -> Fixed:
    """A fixed distribution from a duration text ("30min") or a number."""
    return Fixed(value=parse_duration(value) if isinstance(value, str) else value)


Distribution = Annotated[
    Fixed | Uniform | Triangular | LogNormal | Exponential, Field(discriminator="dist")
]
_PARAMS = ("value", "low", "mode", "high", "median", "p90", "mean")


def _duration_distribution(value: Any) -> Any:
    if isinstance(value, str):
        return {"dist": "fixed", "value": parse_duration(value)}
    if isinstance(value, dict):
        return {k: (duration_minutes(v) if k in _PARAMS else v) for k, v in value.items()}
    if isinstance(value, int | float) and not isinstance(value, bool):
        duration_minutes(value)  # raises: a duration needs its unit
    return value


def _number_distribution(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


_PARAM_MEANING = {
    "value": "always this",
    "low": "the smallest value",
    "mode": "the most likely value",
    "high": "the largest value",
    "median": "half the draws are below this",
    "p90": "nine draws in ten are below this (above the median)",
    "mean": "the average",
}


def _distribution_json(value: dict[str, Any], description: str) -> dict[str, Any]:
    """JSON Schema of a distribution as written in TOML: a bare value or a tagged table."""
    shapes = {
        "fixed": ("value",),
        "uniform": ("low", "high"),
        "triangular": ("low", "mode", "high"),
        "lognormal": ("median", "p90"),
        "exponential": ("mean",),
    }
    tables = [
        {
            "type": "object",
            "description": f"a {tag} distribution",
            "properties": {
                "dist": {"const": tag, "description": "the shape of the distribution"},
                **{p: {**value, "description": _PARAM_MEANING[p]} for p in params},
            },
            "required": ["dist", *params],
            "additionalProperties": False,
        }
        for tag, params in shapes.items()
    ]
    return {"anyOf": [value, *tables], "description": description}


DurationDistribution = Annotated[
    Distribution,
    BeforeValidator(_duration_distribution),
    WithJsonSchema(_distribution_json(DURATION_JSON, "a random duration")),
]
"""A random duration in minutes: "30min" or { dist = ..., ... } with durations as values."""

CountDistribution = Annotated[
    Distribution,
    BeforeValidator(_number_distribution),
    WithJsonSchema(_distribution_json({"type": "number", "minimum": 0}, "a random number")),
]
"""A random number (people, a peak level): 40 or { dist = ..., ... } with plain numbers."""
