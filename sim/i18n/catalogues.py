"""The messages the sources ask to translate, and the catalogues kept in step with them.

Used by ``scripts/catalogues.py`` (to add new messages to every catalogue) and by the tests
(which fail when a catalogue lacks a message or a translation).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.i18n import DOMAIN, TRANSLATED, Language

KEYWORDS = {"_": None, "t": None, "gettext": None, "ngettext": (1, 2), "N_": None}
"""Calls whose string arguments are messages (Babel's keyword spec)."""

PACKAGE = Path(__file__).resolve().parent.parent

HEADER = """\
# %(language)s messages of borderdrill, translated from English.
# MACHINE-DRAFTED: written without review by a native speaker. Every message here awaits
# review by a native speaker and by the nation's disaster agency before an exercise relies
# on it; the terms of docs/glossary.md are used throughout.
# This file is distributed under the same licence as borderdrill (MIT)."""

LANGUAGE_NAMES_EN = {"th": "Thai", "lo": "Lao", "km": "Khmer"}

STAMP = datetime(2026, 1, 1, tzinfo=UTC)
"""The fixed date in every catalogue's header, so that updating changes only messages."""


def source_messages() -> Any:
    """A Babel catalogue of every message in the package's code and templates."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file

    catalogue = Catalog(domain=DOMAIN, project="borderdrill", creation_date=STAMP)
    files = sorted(PACKAGE.rglob("*.py")) + sorted(PACKAGE.rglob("templates/*.j2"))
    for path in files:
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        options = {} if path.suffix == ".py" else {"trimmed": "true", "newstyle_gettext": "true"}
        found = extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options, strip_comment_tags=True
        )
        for line, message, comments, context in found:
            catalogue.add(
                message,
                locations=[(str(path.relative_to(PACKAGE.parent)), line)],
                auto_comments=comments,
                context=context,
            )
    return catalogue


def po_path(lang: Language) -> Path:
    return PACKAGE / "i18n" / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: Language) -> Any:
    """A language's catalogue as Babel reads it."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update() -> dict[Language, int]:
    """Bring every catalogue in step with the sources: new messages added untranslated,
    vanished ones dropped. Returns how many messages each language still lacks."""
    from babel.messages.catalog import Catalog

    template = source_messages()
    lacking: dict[Language, int] = {}
    for lang in TRANSLATED:
        path = po_path(lang)
        if path.exists():
            catalogue = read(lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = Catalog(locale=lang, domain=DOMAIN, project="borderdrill")
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        catalogue.header_comment = HEADER % {"language": LANGUAGE_NAMES_EN[lang]}
        catalogue.fuzzy = False
        catalogue.revision_date = STAMP
        catalogue.version = "0.1"
        catalogue.last_translator = "machine draft, not reviewed by a native speaker"
        catalogue.language_team = f"{LANGUAGE_NAMES_EN[lang]}: none yet (review wanted)"
        catalogue.msgid_bugs_address = ""
        write(lang, catalogue)
        lacking[lang] = len(untranslated(catalogue))
    return lacking


def write(lang: Language, catalogue: Any) -> None:
    """Write a language's catalogue back (source files without line numbers, so that
    edits elsewhere in a file do not touch the catalogues)."""
    from babel.messages.pofile import write_po

    with po_path(lang).open("wb") as f:
        write_po(f, catalogue, width=100, include_lineno=False)


def untranslated(catalogue: Any) -> list[str]:
    """The messages of a catalogue with no translation (or only a fuzzy guess)."""
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
