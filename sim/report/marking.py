"""A translated page's names kept whole, and its English marked as English.

A browser breaks Thai, Lao and Khmer lines with a dictionary of words, and a name written
in the script (most are transliterated, "ปากเซ") is cut wherever the dictionary finds a word
in it. ``marked`` finds the scenario's names in a rendered page's text and keeps each word
of a name on one line (``class="nw"``: ``white-space: nowrap``; a name may still wrap at its
spaces). The kinds of need and of unit are ordinary words, not names ("ການກູ້ໄພຜູ້ຕິດຄ້າງ"),
and break where the language does. What the page shows in English because the scenario
gives no translation (a name with none in the reader's script, an author's text not
translated), and the romanised name beside a script's, is marked ``lang="en"``, so that
browsers shape it and screen readers read it as English.

A printed page (the Word AAR) cannot widen a table's column for a name kept whole: there
``name_words`` gives the short words of names (a place's own name, "สตึงแตรง"), kept whole
wherever they are written, while a long word of a name (its description with the place's
name in it, "โรงพยาบาลส่งต่อจังหวัดสตึงแตรง") breaks where the language does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from markupsafe import escape
from pydantic import BaseModel

from sim.report.names import plain
from sim.scenario import Scenario
from sim.scenario.schema import SCRIPTS, Need, ScriptNames, Text, UnitType

SKIPPED = ("script", "style", "title", "textarea", "option", "svg")
"""Elements whose text is left as it is: not shown as text, or not allowed to hold a span."""

_SCRIPT = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high, _ in SCRIPTS.values())
_MARKS = "".join(
    chr(c)
    for low, high, _ in SCRIPTS.values()
    for c in range(low, high + 1)
    if unicodedata.category(chr(c)).startswith("M")
)
_PREPOSED = "\u0e40-\u0e44\u0ec0-\u0ec4"
"""Thai and Lao vowels written before the consonant they follow in speech."""
_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"\S+")


KEPT_LETTERS = 12
"""The longest word of a name kept whole on a printed page, in letters that take room (not
its marks above and below): about 2.5 cm of text, within the narrowest column of the AAR."""

_NAME_SEPARATORS = re.compile(r"[\s,/()]+| - ")

PLACE_KINDS = {
    "th": (
        *("ด่านพรมแดน", "โรงพยาบาล", "ท่าอากาศยาน", "สนามบิน", "ตัวอำเภอ", "ตัวเมือง"),
        *("จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เมือง"),
    ),
    "lo": ("ດ່ານຊາຍແດນ", "ໂຮງໝໍ", "ສະໜາມບິນ", "ຕົວເມືອງ", "ແຂວງ", "ເມືອງ", "ຕາແສງ"),
    "km": (
        *("ប៉ុស្តិ៍ព្រំដែន", "មន្ទីរពេទ្យ", "អាកាសយានដ្ឋាន", "ទីរួមស្រុក", "ទីរួមខេត្ត"),
        *("ខេត្ត", "ស្រុក", "ឃុំ"),
    ),
}
"""Words for a kind of place written before its name, without a space ("จังหวัดสตึงแตรง",
"ស្រុកជាំក្សាន្ត"): the name after one is a name's word too (the longest first)."""


def _letters(word: str) -> int:
    return sum(1 for c in word if unicodedata.category(c) != "Mn" and c != "\u17d2")


def name_words(scenario: Scenario, lang: str) -> tuple[str, ...]:
    """The words in ``lang``'s script of the scenario's names and of the library's places
    (a lexicon of the region's place names, which a line-breaking dictionary does not know)
    that are short enough to keep whole, the longest first."""
    from sim.library import gazetteer

    if lang not in SCRIPTS:
        return ()
    written = [getattr(names, lang, None) for _, names, proper in _named(scenario) if proper]
    written += [getattr(names, lang, None) for names in scenario.agencies().values()]
    written += [(e.data.get("names") or {}).get(lang) for e in gazetteer()]
    low, high, _ = SCRIPTS[lang]
    words = set()
    for name in filter(None, written):
        for word in _NAME_SEPARATORS.split(plain(name)):
            if not any(low <= ord(c) <= high for c in word):
                continue
            words.add(word)
            while kind := next((k for k in PLACE_KINDS[lang] if word.startswith(k)), None):
                word = word.removeprefix(kind)
                if _letters(word) >= 3:  # a shorter remainder could be a syllable of a word
                    words.add(word)
    kept = (w for w in words if _letters(w) <= KEPT_LETTERS)
    return tuple(sorted(kept, key=lambda w: (-len(w), w)))


def _whole(written: str) -> str:
    """A script's name as HTML, each of its words kept on one line."""
    return _WORD.sub(
        lambda m: f'<span class="nw">{m[0]}</span>' if re.search(f"[{_SCRIPT}]", m[0]) else m[0],
        str(escape(written)),
    )


def _english(text: str) -> str:
    return f'<span lang="en">{escape(text)}</span>'


def _named(model: BaseModel) -> Iterator[tuple[str, ScriptNames | None, bool]]:
    """Every name the scenario writes, with its names in the scripts and whether it is a
    proper name (not a kind of need or unit)."""
    name, names = getattr(model, "name", None), getattr(model, "names", None)
    if isinstance(name, str):
        proper = not isinstance(model, Need | UnitType)
        yield name, names if isinstance(names, ScriptNames) else None, proper
    for field in type(model).model_fields:
        value = getattr(model, field)
        for item in value if isinstance(value, tuple | list) else (value,):
            if isinstance(item, BaseModel) and not isinstance(item, Text | ScriptNames):
                yield from _named(item)


def _texts(model: BaseModel) -> Iterator[Text]:
    """Every text an author wrote in languages (titles, synopses, questions)."""
    for field in type(model).model_fields:
        value = getattr(model, field)
        for item in value if isinstance(value, tuple | list) else (value,):
            if isinstance(item, Text):
                yield item
            elif isinstance(item, BaseModel):
                yield from _texts(item)


def forms(scenario: Scenario, lang: str) -> dict[str, str]:
    """Each way a page in ``lang`` may show one of the scenario's names or English texts
    (escaped, as in the page), and its HTML."""
    found: dict[str, str] = {}

    def add(shown: str, html: str) -> None:
        found.setdefault(str(escape(shown)), html)

    named = list(_named(scenario))
    named += [(agency, names, True) for (_, agency), names in scenario.agencies().items()]
    for name, names, proper in named:
        written = getattr(names, lang, None) if names is not None else None
        if written:
            kept = _whole if proper else escape
            for script in (written, plain(written)):
                add(f"{script} ({plain(name)})", f"{kept(script)} ({_english(plain(name))})")
            for script in (written, plain(written), written.split(" (")[0]):
                add(script, str(kept(script)))
        else:
            for english in (name, plain(name), name.split(" (")[0]):
                add(english, _english(english))
    for text in _texts(scenario):
        if not getattr(text, lang, None):
            for line in text.en.splitlines():
                if line.strip():
                    add(line.strip(), _english(line.strip()))
    return found


@lru_cache(maxsize=16)
def _finder(scenario: Scenario, lang: str) -> tuple[dict[str, str], re.Pattern[str]]:
    """The shown forms and a pattern finding them, the longest first."""
    found = forms(scenario, lang)
    return found, re.compile("|".join(map(re.escape, sorted(found, key=len, reverse=True))))


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether a match is a whole word (Latin) or whole clusters (Thai, Lao, Khmer): not
    inside a word, an entity or a cluster."""
    before, after = text[start - 1 : start], text[end : end + 1]
    if text[start].isascii():
        if before and ((before.isascii() and before.isalnum()) or before in "&#"):
            return False
    elif before and re.match(f"[{_PREPOSED}]", before):
        return False
    if text[end - 1].isascii():
        return not (after.isascii() and after.isalnum())
    return not (after and re.match(f"[{_MARKS}]", after))


def marked(page: str, scenario: Scenario, lang: str) -> str:
    """A rendered page (in ``lang``) with the scenario's names and English texts marked."""
    if lang == "en":
        return page
    shown, pattern = _finder(scenario, lang)
    if not shown:
        return page

    def mark(m: re.Match[str]) -> str:
        return shown[m[0]] if _bounded(m.string, m.start(), m.end()) else m[0]

    parts = _TAG.split(page)
    skipping: str | None = None
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if skipping is None and part.strip():
                parts[i] = pattern.sub(mark, part)
            continue
        tag = re.match(r"<(/?)([a-zA-Z0-9]+)", part)
        if tag is None:  # a doctype or a comment
            continue
        name = tag[2].lower()
        if not tag[1] and name in SKIPPED and skipping is None:
            skipping = name
        elif tag[1] and (name == skipping or (skipping, name) == ("option", "select")):
            skipping = None
    return "".join(parts)
