"""The languages a reader can have: English (the source) and Thai, Lao and Khmer.

``translator(lang)`` gives one reader's language: its messages (gettext catalogues under
``sim/i18n/locale``, read from the ``.po`` files themselves, so nothing needs compiling)
and its numbers, dates, times and durations (Babel's CLDR data). Dates in Thai carry the
Buddhist Era year (พ.ศ., the Gregorian year + 543), as Thai official documents write them.
Times are on the 24-hour clock in every language, as exercise logs are kept.

Strings to translate are marked where they are written: ``t.gettext("…")`` (or ``_``) in
code, ``{% trans %}`` in templates, and ``N_("…")`` for module-level constants translated
where they are shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from gettext import c2py
from importlib import resources
from typing import Any, Literal, cast, get_args

Language = Literal["en", "th", "lo", "km"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
"""English first: the source language of every message."""

TRANSLATED: tuple[Language, ...] = LANGUAGES[1:]

LANGUAGE_NAMES: dict[Language, str] = {
    "en": "English",
    "th": "ไทย",
    "lo": "ລາວ",
    "km": "ខ្មែរ",
}
"""Each language in its own script, for a language menu."""

DOMAIN = "borderdrill"

BUDDHIST_ERA_OFFSET = 543


def N_(message: str) -> str:
    """Mark a constant for translation where it is shown (it is returned as it is)."""
    return message


class Refusal(Exception):
    """Something refused whose reason a reader sees: kept as its English message and the
    values to fill in, so that each reader is told it in their language (``said``)."""

    def __init__(self, message: str, status: int = 400, **values: object) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values
        self.status = status
        """The HTTP status a page answers it with (400, 403, 409, 507)."""

    def said(self, t: Translator) -> str:
        """The reason in a reader's language (a value that is a message of the catalogues,
        an arrangement's title say, translated too)."""
        values = {k: t(v) if isinstance(v, str) else v for k, v in self.values.items()}
        return t(self.message, **values)


def catalogue_path(lang: Language) -> Any:
    """Where a language's catalogue is (a Traversable inside the package)."""
    return resources.files("sim.i18n") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def is_language(code: str) -> bool:
    """Whether ``code`` is a language a reader can choose."""
    return code in LANGUAGES


@dataclass(frozen=True)
class Translator:
    """One reader's language: messages, numbers, dates, times and durations."""

    lang: Language
    messages: dict[str, str | tuple[str, ...]] = field(repr=False)
    """msgid (or the singular of a plural) → msgstr (or the plural forms)."""
    plural: Any = field(repr=False, default=None)
    """The catalogue's plural rule: n → index of the form."""

    def gettext(self, message: str, **values: object) -> str:
        """The message in this language, with ``%(name)s`` filled from ``values``."""
        text = self._text(message)
        return text % values if values else text

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form of the message for ``n`` (``%(num)s`` is ``n``, as in Jinja)."""
        return self._form(singular, plural, n) % {"num": self.number(n), **values}

    def template_globals(self) -> dict[str, Any]:
        """``_``, ``gettext`` and ``ngettext`` for a Jinja2 template with the i18n
        extension (new style: values are filled in, and escaped, by these functions)."""
        from markupsafe import Markup

        def gettext(message: str, **values: object) -> Markup:
            return Markup(self._text(message)) % values

        def ngettext(singular: str, plural: str, n: int, **values: object) -> Markup:
            values.setdefault("num", n)
            return Markup(self._form(singular, plural, n)) % values

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext}

    def _text(self, message: str) -> str:
        found = self.messages.get(message)
        return found if isinstance(found, str) and found else message

    def _form(self, singular: str, plural: str, n: int) -> str:
        found = self.messages.get(singular)
        if isinstance(found, tuple) and all(found):
            return found[min(int(self.plural(n)), len(found) - 1)]
        return singular if n == 1 else plural

    @property
    def locale(self) -> str:
        return "en_GB" if self.lang == "en" else self.lang

    def number(self, value: float, decimals: int = 0) -> str:
        """A number with this language's separators."""
        from babel.numbers import format_decimal

        if not math.isfinite(value):
            return "—"
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def percent(self, share: float | None) -> str:
        """A share as a whole percentage ("—" when unknown)."""
        from babel.numbers import format_percent

        if share is None or not math.isfinite(share):
            return "—"
        return str(format_percent(share, locale=self.locale))

    def year(self, value: date) -> str:
        """The year as this language writes it: Buddhist Era (พ.ศ.) in Thai."""
        if self.lang == "th":
            return f"พ.ศ. {value.year + BUDDHIST_ERA_OFFSET}"
        return str(value.year)

    def date(self, value: date, weekday: bool = False) -> str:
        """A date in words: "Tuesday 24 July 2018", "วันอังคารที่ 24 กรกฎาคม พ.ศ. 2561"."""
        from babel.dates import get_day_names, get_month_names

        month = get_month_names("wide", locale=self.locale)[value.month]
        day = get_day_names("wide", locale=self.locale)[value.weekday()] if weekday else ""
        if self.lang == "th" and day:
            day += "ที่"
        text = f"{value.day} {month} {self.year(value)}"
        return f"{day} {text}" if day else text

    def time(self, value: datetime) -> str:
        """A time of day on the 24-hour clock."""
        return value.strftime("%H:%M")

    def moment(self, value: datetime) -> str:
        """Day, date and time, short enough for a table cell: "Tue 24 Jul 20:00"."""
        from babel.dates import get_day_names, get_month_names

        if self.lang == "en":
            return value.strftime("%a %d %b %H:%M")

        day = get_day_names("abbreviated", locale=self.locale)[value.weekday()]
        month = get_month_names("abbreviated", locale=self.locale)[value.month]
        return f"{day} {value.day} {month} {self.time(value)}"

    def datetime(self, value: datetime) -> str:
        """A full date with its weekday and time."""
        if self.lang == "en":
            return value.strftime("%A %d %B %Y, %H:%M")
        return f"{self.date(value, weekday=True)}, {self.time(value)}"

    def duration(self, minutes: float | None) -> str:
        """Minutes in this language's words, to the minute: "2 ชั่วโมง 05 นาที"."""
        from sim.scenario import format_duration

        if minutes is None or not math.isfinite(minutes):
            return "—"
        if self.lang == "en":
            return format_duration(minutes)
        from babel.units import format_unit

        days, rest = divmod(round(minutes), 1440)
        hours, mins = divmod(rest, 60)
        parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
        shown = [(n, unit) for n, unit in parts if n] or [(0, "minute")]
        return " ".join(
            str(format_unit(n, f"duration-{unit}", length="long", locale=self.locale))
            for n, unit in shown
        )


@cache
def translator(lang: str = "en") -> Translator:
    """The translator of a language (read once); an unknown code raises ValueError."""
    if not is_language(lang):
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    code = cast(Language, lang)
    if code == "en":
        return Translator("en", {}, lambda n: int(n != 1))
    from babel.messages.pofile import read_po

    with catalogue_path(code).open("rb") as f:
        catalogue = read_po(f, locale=code, domain=DOMAIN)
    messages: dict[str, str | tuple[str, ...]] = {}
    for message in catalogue:
        ident: Any = message.id
        string: Any = message.string
        if not ident or message.fuzzy:
            continue
        if isinstance(ident, tuple | list):
            messages[str(ident[0])] = tuple(string)
        else:
            messages[str(ident)] = str(string)
    return Translator(code, messages, c2py(catalogue.plural_expr))
