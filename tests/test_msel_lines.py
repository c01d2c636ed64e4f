"""The MSEL spreadsheet's lines in Thai and Lao: names never cut, as LibreOffice prints them."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from support import AGENCIES, CUT_BY_DICTIONARY, names_cut, printed_by_libreoffice

from sim.i18n import translator
from sim.report.planners import WORD_JOINER, MselRow, _lines, joined, msel_xlsx

PRINTED = ("th", "lo")
"""The languages whose print is read back: pdftotext reads Khmer's stacked letters back in
another order and fewer, so a Khmer name cannot be found whole in it."""


def _msel(lang: str, words: tuple[str, ...]) -> bytes:
    """An MSEL whose cells name each agency of each name, in columns of every width, the
    names falling at different places on the lines (a row for each name and lead)."""
    t = translator(lang)
    rows = []
    for number, (name, lead) in enumerate(
        ((n, lead) for n in CUT_BY_DICTIONARY[lang] for lead in ("", "ก", "กขค", "ກ ຂ")),
        start=1,
    ):
        agencies = [a.format(name) for a in AGENCIES[lang]]
        text = lead + " ".join(agencies)
        rows.append(
            MselRow(
                number=number,
                scenario_time=name,
                clock=f"{name} {name}",
                synopsis=" ".join([text] * 2),
                inject=text,
                controller=agencies[1],
                player="; ".join(agencies),
                expected_action=f"{name} ({name}) " + text,
                capability=lead + agencies[2],
                outcome=text,
                discussion=f"{agencies[3]}?\n{lead}{agencies[0]}?",
            )
        )
    return msel_xlsx("Lines", rows, t, words=words)


def _characters(text: str) -> Counter[str]:
    """The characters of a text but its spaces and invisible ones."""
    return Counter(re.sub(r"[\s\u200b\u2060\u00a0]", "", unicodedata.normalize("NFC", text)))


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="no LibreOffice or poppler on this machine",
)
def test_libreoffice_prints_no_name_cut_over_two_lines_and_every_line(tmp_path: Path) -> None:
    """Printed by LibreOffice, the MSEL with the names joined cuts none of them over two
    lines (without, LibreOffice's own breaking cuts some), and every character of every cell
    is printed: the rows, whose heights count a joined name as one piece, are tall enough."""
    documents = {}
    for lang in PRINTED:
        documents[f"{lang}.xlsx"] = _msel(lang, CUT_BY_DICTIONARY[lang])
        documents[f"{lang}-unkept.xlsx"] = _msel(lang, ())
    printed = printed_by_libreoffice(tmp_path, documents)
    for lang in PRINTED:
        names = CUT_BY_DICTIONARY[lang]
        assert all(n in printed[lang].replace(" ", "") for n in names), lang
        assert names_cut(printed[lang], names) == [], lang
        assert names_cut(printed[f"{lang}-unkept"], names), lang  # LibreOffice's breaking
        sheet = load_workbook(tmp_path / f"{lang}.xlsx").active
        cells = "".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        info = subprocess.run(["pdfinfo", str(tmp_path / f"{lang}.pdf")], capture_output=True)
        pages = int(re.findall(rb"Pages:\s+(\d+)", info.stdout)[0])
        header = "".join(str(c.value) for c in sheet[1]) * (pages - 1)  # on each page
        lost = _characters(cells + header) - _characters(printed[lang])
        assert not lost, (lang, lost)


def test_the_msel_joins_names_in_every_cell_and_only_names() -> None:
    for lang, names in CUT_BY_DICTIONARY.items():
        kept = load_workbook(io.BytesIO(_msel(lang, names))).active
        unkept = load_workbook(io.BytesIO(_msel(lang, ()))).active
        for row, plain in zip(kept.iter_rows(min_row=2), unkept.iter_rows(min_row=2), strict=True):
            for cell, other in zip(row[1:], plain[1:], strict=True):
                value = str(cell.value)
                assert any(joined(n) in value for n in names), (lang, cell.coordinate)
                assert value.replace(WORD_JOINER, "").replace("\u200b", "") == str(
                    other.value
                ).replace("\u200b", ""), (lang, cell.coordinate)
        assert WORD_JOINER not in "".join(str(c.value) for c in kept[1])  # the header
    english = load_workbook(io.BytesIO(msel_xlsx("E", [], words=()))).active
    assert WORD_JOINER not in "".join(str(c.value) for c in english[1])


def test_a_joined_name_is_counted_as_one_piece_on_a_line() -> None:
    """A row's height counts the lines of its cells: a joined name goes whole to the next
    line, where the name unjoined is broken at the end of one (the joiners take no room)."""
    name = "ສະຕຶງແຕງ"  # 14 units of width in Lao
    assert _lines(f"ກກ{name}ກກກກ", 16) == 2  # cut after "ສະຕຶງ"
    assert _lines(f"ກກ\u200b{joined(name)}\u200bກກກກ", 16) == 3  # on a line of its own
    assert _lines(joined(name), 14.5) == 1  # as wide as the name: 14 units and the padding
    assert _lines(joined(name), 14.4) == _lines(name, 14.4) == 2  # wider than a line
