"""The planners' own formats: the AAR/IP as a Word document (HSEEP layout) and the MSEL as
a spreadsheet with the HSEEP columns. python-docx and openpyxl are imported only here,
inside the functions that write them."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sim.i18n import N_, Translator, translator
from sim.report.aar import AfterAction, Said, rating_rule
from sim.report.csv_cells import neutralise
from sim.scenario.text import SCRIPTS

MSEL_COLUMNS = (
    N_("MSEL #"),
    N_("Scenario time (from the start)"),
    N_("Clock time (UTC+7)"),
    N_("Event synopsis"),
    N_("Inject"),
    N_("Responsible controller"),
    N_("Intended player"),
    N_("Expected action"),
    N_("Objective / core capability"),
    N_("Discussion questions"),
    N_("What followed (simulated)"),
)
"""The HSEEP columns of a master scenario events list, and what the run made of each."""

AAR_SECTIONS = (
    N_("Executive summary"),
    N_("Exercise overview"),
    N_("Objectives"),
    N_("Scenario summary"),
    N_("Analysis of capabilities"),
    N_("Strengths"),
    N_("Areas for improvement"),
    N_("Improvement plan"),
    N_("Points of contact"),
)
"""The headings of the AAR/IP document, in order (HSEEP)."""

PLAN_COLUMNS = (
    N_("Core capability"),
    N_("Area for improvement"),
    N_("Corrective action"),
    N_("Owning organisation(s)"),
    N_("Measured effect (median wait for help)"),
    N_("Measured effect (people still waiting)"),
    N_("Start date"),
    N_("Completion date"),
)


CONTACT_COLUMNS = (
    N_("Nation"),
    N_("Agency"),
    N_("EOC"),
    N_("Where"),
    N_("Name"),
    N_("Telephone"),
)


@dataclass(frozen=True)
class MselRow:
    """One inject of the MSEL, with what the run made of it."""

    number: int
    scenario_time: str
    clock: str
    synopsis: str
    inject: str
    controller: str
    player: str
    expected_action: str
    capability: str
    outcome: str
    discussion: str = ""
    """The inject's discussion questions, one a line."""


ENGLISH = translator("en")

FIXED_TIME = datetime(2000, 1, 1, tzinfo=UTC)
"""Documents carry this creation time, and their zip entries 1980-01-01, so the same run
gives the same bytes."""


def _stable(document: bytes) -> bytes:
    """An Office file (a zip) rewritten with fixed entry times, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(document))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\2", content
                )
            target.writestr(entry, content)
    return out.getvalue()


def aar_docx(
    aar: AfterAction,
    figures: dict[str, bytes],
    t: Translator = ENGLISH,
    *,
    parts: dict[str, list[bytes]] | None = None,
) -> bytes:
    """The AAR/IP as a .docx: overview, capability analysis with ratings, strengths, areas
    for improvement ranked by cost (each with its figure where there is one), the plan.

    ``parts``: a figure too tall for a page, drawn in parts to print one after another
    (the unit timeline of many units); every figure is sized to fit a page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    properties = document.core_properties
    heading = t("After-Action Report / Improvement Plan")
    _language(document, t.lang)
    properties.title = f"{aar.name}: {heading}"
    properties.author = properties.last_modified_by = "borderdrill"
    properties.created = properties.modified = FIXED_TIME.replace(tzinfo=None)
    properties.revision = 1
    document.add_heading(f"{aar.name}\n{heading}", level=0)
    sections = [t(name) for name in AAR_SECTIONS]

    document.add_heading(sections[0], level=1)
    document.add_paragraph(aar.summary)

    document.add_heading(sections[1], level=1)
    _table(
        document,
        ("", ""),
        [
            (t("Exercise name"), aar.name),
            (t("Exercise dates"), aar.dates),
            (t("Mission area"), aar.mission_area),
            (t("Hazard"), aar.hazard),
            (t("Scope"), aar.scope),
            (t("Participating organisations"), "; ".join(aar.organisations)),
        ],
        header=False,
    )

    document.add_heading(sections[2], level=1)
    for number, objective in enumerate(aar.objectives, start=1):
        paragraph = document.add_paragraph()
        paragraph.add_run(t("Objective %(number)s. ", number=number)).bold = True
        paragraph.add_run(objective + ".")

    document.add_heading(sections[3], level=1)
    document.add_paragraph(aar.scenario_summary)

    document.add_heading(sections[4], level=1)
    _table(
        document,
        tuple(
            t(column)
            for column in (
                N_("Capability target"),
                N_("Core capability"),
                N_("Target"),
                N_("Incidents"),
                N_("Within target"),
                N_("Rating"),
            )
        ),
        [
            (c.need, c.capability, c.target, str(c.incidents), c.share, c.rating)
            for c in aar.capabilities
        ],
    )
    document.add_paragraph(t("Rating (HSEEP): %(rating_rule)s.", rating_rule=rating_rule(t)))

    document.add_heading(sections[5], level=1)
    for finding in aar.strengths or []:
        document.add_paragraph(f"{finding.title}: {finding.detail}", style="List Bullet")
    if not aar.strengths:
        document.add_paragraph(t("None measured in this run."))

    document.add_heading(sections[6], level=1)
    shown: set[str] = set()
    for finding in aar.findings:
        cost = (
            " (" + t("%(hours)s person-hours", hours=t.number(finding.cost_person_hours)) + ")"
            if finding.cost_person_hours is not None
            else ""
        )
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(finding.title + cost).bold = True
        paragraph.add_run(
            ". "
            + finding.detail
            + " "
            + t("Evidence: the %(evidence)s.", evidence=finding.evidence_name)
        )
        picture = EVIDENCE_FIGURES.get(finding.evidence)
        if picture in figures and picture not in shown:
            shown.add(picture)
            if (parts or {}).get(picture):
                for png in (parts or {})[picture]:
                    document.add_picture(io.BytesIO(png), **_fitted(png, PAGE_CM))
            else:
                document.add_picture(io.BytesIO(figures[picture]), **_fitted(figures[picture]))
    if not aar.findings:
        document.add_paragraph(t("None measured in this run."))

    if aar.said is not None:
        _said(document, aar.said, t)

    document.add_heading(sections[7], level=1)
    if aar.plan:
        _table(
            document,
            tuple(t(column) for column in PLAN_COLUMNS),
            [
                (
                    p.capability,
                    p.area,
                    p.action,
                    p.owners,
                    p.effect,
                    p.effect_waiting,
                    "",
                    "",
                )
                for p in aar.plan
            ],
        )
    document.add_paragraph(aar.plan_note)

    document.add_heading(sections[8], level=1)
    _table(
        document,
        tuple(t(column) for column in CONTACT_COLUMNS),
        [(c.nation, c.agency, c.eoc, c.place, "", "") for c in aar.contacts],
    )
    document.add_paragraph(t("Add the name and telephone of the person to call at each EOC."))
    _no_cuts(document, aar.name_words)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable(buffer.getvalue())


PLAYED_SECTION = N_("Hot wash and observations")
"""The AAR/IP's heading for what the room said, after the areas for improvement (a played
exercise only)."""
SAID_COLUMNS = (
    N_("Capability target"),
    N_("Measured rating"),
    N_("Strengths raised"),
    N_("Areas for improvement raised"),
    N_("Observers' notes"),
)


def _said(document: Any, said: Said, t: Translator) -> None:
    """The hot wash and the observers' notes by capability target, beside the measured
    rating; the reasons given with decisions; the discussion questions."""
    document.add_heading(t(PLAYED_SECTION), level=1)
    document.add_paragraph(
        t("In the players' and observers' own words, as recorded in the session file.")
    )
    if said.raised:
        _table(
            document,
            tuple(t(column) for column in SAID_COLUMNS),
            [
                (
                    r.target,
                    r.rating,
                    "\n".join(r.strengths) or "—",
                    "\n".join(r.improvements) or "—",
                    "\n".join(r.observations) or "—",
                )
                for r in said.raised
            ],
        )
    else:
        document.add_paragraph(t("No hot wash point or observer's note was recorded."))
    for heading, lines in (
        (t("Reasons the seats gave with their decisions"), said.reasons),
        (t("Discussion questions put to the seats"), said.questions),
    ):
        if lines:
            document.add_heading(heading, level=2)
            for line in lines:
                document.add_paragraph(line, style="List Bullet")


LANGUAGE_TAGS = {"en": "en-GB", "th": "th-TH", "lo": "lo-LA", "km": "km-KH"}


def _language(document: Any, lang: str) -> None:
    """Mark the document's complex-script text (Thai, Lao, Khmer, to Word and LibreOffice)
    as being in ``lang``, so that word processors choose fonts, line breaks and spelling
    for it; Latin text (the romanised names) stays English."""
    from docx.oxml.ns import qn

    tag = LANGUAGE_TAGS[lang]
    run = document.styles["Normal"].element.get_or_add_rPr()
    language = run.find(qn("w:lang"))
    if language is None:
        language = run.makeelement(qn("w:lang"), {})
        run.append(language)
    language.set(qn("w:val"), "en-GB")  # Latin text: names, acronyms (else broken mid-word)
    language.set(qn("w:bidi"), tag)  # complex-script text: Thai, Lao and Khmer are


WORD_JOINER = "\u2060"

_SCRIPT = "[\u0e00-\u0eff\u1780-\u17ff]"
_CLUSTER_START = "[\u0e01-\u0e2e\u0e40-\u0e44\u0e81-\u0eae\u0ec0-\u0ec4\u0edc-\u0edf\u1780-\u17b3]"
"""A letter that begins a cluster of Thai, Lao or Khmer: a consonant, a Khmer independent
vowel or a Thai or Lao vowel written first."""
_CLUSTER_HOLDS = "[\u0e40-\u0e44\u0ec0-\u0ec4\u17d2]"
"""A letter the next one belongs with: a vowel written first, a Khmer coeng."""
_JOINABLE = re.compile(f"(?<!{_CLUSTER_HOLDS})(?<=.)(?={_CLUSTER_START})")
"""Between two clusters (never before a mark or a vowel that shapes with the letter
before it)."""


def joined(word: str) -> str:
    """A word with a word joiner between its clusters: no line breaks inside it."""
    return _JOINABLE.sub(WORD_JOINER, word)


def _joined_name(match: re.Match[str]) -> str:
    """A name's word found in a text, joined, with a zero-width space on a side where a
    letter touches it: the break a dictionary that does not know the name could not find,
    and the words beside it read whole (not with a piece of the name). As it is when it is
    not whole clusters of the text (then it is inside a cluster, not that name)."""
    text, start, end = match.string, match.start(), match.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if re.match(_CLUSTER_HOLDS, before) or (
        re.match(_SCRIPT, after) and not re.match(_CLUSTER_START, after)
    ):
        return match[0]
    edge = ("\u200b" if re.match(_SCRIPT, side) else "" for side in (before, after))
    return joined(match[0]).join(edge)


_OPENING = re.compile(f" ([(\\[])(?={_SCRIPT})")
"""A space before a bracket that opens on Thai, Lao or Khmer text."""


def _no_cuts(document: Any, words: tuple[str, ...]) -> None:
    """Keep each name's word whole wherever the document writes it, and a bracket with the
    word before it when it opens on Thai, Lao or Khmer.

    These scripts have no spaces between words; Word and LibreOffice break their lines with
    a dictionary, which cuts a transliterated name where it finds words in it ("สตึง|แตรง",
    "จำปา|สัก"). A word joiner (U+2060) between the name's clusters forbids those breaks:
    no run property keeps a word on one line, and the run's language (``_language``) only
    chooses the dictionary. The cost: the joiners are in the text (invisible), so a search
    for the name must allow them. LibreOffice also cut a bracketed word after its first
    cluster ("(ช่|วงความเชื่อมั่น") when the line ended in it; a no-break space before the
    bracket moves the break before the word that precedes it."""
    from docx.oxml.ns import qn

    pattern = _names_pattern(words)
    for node in document.element.body.iter(qn("w:t")):
        if node.text:
            node.text = _kept_whole(_OPENING.sub("\u00a0\\1", node.text), pattern)


def _names_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern finding any of the names' words (the longest first, as ``name_words``
    gives them)."""
    return re.compile("|".join(map(re.escape, words))) if words else None


def _kept_whole(text: str, pattern: re.Pattern[str] | None) -> str:
    """A text with each name's word in it joined (``_joined_name``)."""
    return pattern.sub(_joined_name, text) if pattern else text


EVIDENCE_FIGURES = {
    "stages": "stage_decomposition",
    "units": "unit_timeline",
    "map": "map",
    "by-need": "response_by_nation",
}
"""The figure that backs a finding, by the report section it points to."""


FIGURE_CM = (20.0, 12.5)
"""The largest a figure is printed in the Word AAR (width, height): a landscape page holds
one with a few lines of text, so a figure moves to the next page only with little left."""
PAGE_CM = (25.0, 14.5)
"""The largest a part of a figure printed in parts is: most of a page, leaving room for a
finding above it."""


def _fitted(png: bytes, box: tuple[float, float] = FIGURE_CM) -> dict[str, Any]:
    """The size to print a figure at: as wide as ``box`` (cm) allows, or as tall."""
    from docx.shared import Cm

    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR
    most_wide, most_tall = box
    if most_wide * height / width <= most_tall:
        return {"width": Cm(most_wide)}
    return {"height": Cm(most_tall)}


def _table(
    document: Any, columns: tuple[str, ...], rows: list[tuple[str, ...]], *, header: bool = True
) -> None:
    table = document.add_table(rows=1 if header else 0, cols=len(columns))
    table.style = "Table Grid"
    if header:
        for cell, name in zip(table.rows[0].cells, columns, strict=True):
            cell.text = name
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    _hold_together(table, header)


LONG_CELL = 240
"""Characters in a cell from which its row may run on to the next page: a short row split
reads badly, a long one kept whole leaves the foot of a page empty."""


def _hold_together(table: Any, header: bool) -> None:
    """No short row split across pages; the header row repeated on each page and kept
    with the first row (never left alone at the foot of a page)."""
    from docx.oxml import OxmlElement

    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        if max(len(cell.text) for cell in row.cells) < LONG_CELL:
            properties.append(OxmlElement("w:cantSplit"))
        if header and index == 0:
            properties.append(OxmlElement("w:tblHeader"))
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


LINE_PT = 15.0
"""Height of a line of text in a spreadsheet row: Excel's default row height for Calibri 11,
and a little more than LibreOffice gives a line in the fonts it puts in Calibri's place
(its optimal row heights: 14.9 pt a line of Latin, 14.2 pt of Thai, Lao or Khmer, and
16.4 and 15.6 pt for a row of one line). With 12.75 pt a line, the height first used, a
row whose lines were counted exactly was shorter than LibreOffice lays its text out (the
header rows of the Thai and Lao MSELs: 22.1 and 27.1 mm against 19.05 mm)."""
ADVANCE = {"latin": 1.2, "th": 1.5, "lo": 2.0, "km": 1.35}
"""Units of column width (a digit's width) a character takes on a line, by script; a mark
above or below a letter, Khmer's sign for a letter written below it, and the invisible
spaces and joiners take none. Each is a tenth to a third more than the least that never
counted fewer lines than LibreOffice 7.4 laid out, for any cell of the MSELs of the Sekong
scenario and of two drafts of other stretches of border in the four languages (its text in
Noto Sans, Noto Sans Thai and Khmer, and DejaVu Sans for Lao): other fonts are wider."""
CELL_PADDING = 0.5
"""The units of a column's width its cell keeps clear of text, at its sides."""


KHMER_CLUSTER = re.compile("(?<=[\u1780-\u17d1\u17d3-\u17dd])(?=[\u1780-\u17b3])")
"""Between two Khmer clusters: before a consonant or independent vowel that is not
subscript (not after the coeng, U+17D2)."""


def breakable(text: str) -> str:
    """Khmer text with a zero-width space between its clusters, where a spreadsheet may
    wrap it: Khmer writes no space between words, and LibreOffice would otherwise run a
    long word out of its cell, cut. (Thai and Lao it breaks by its own dictionaries.)"""
    return KHMER_CLUSTER.sub("\u200b", text)


def _advance(char: str) -> float:
    """The units of column width a character takes on a line (``ADVANCE``)."""
    if unicodedata.category(char) in ("Mn", "Cf") or char == "\u17d2":
        return 0.0
    code = ord(char)
    script = next((s for s, (low, high, _) in SCRIPTS.items() if low <= code <= high), "latin")
    return ADVANCE[script]


_BREAKABLE = re.compile(f"(?<!{WORD_JOINER}){_JOINABLE.pattern}")
"""Between two clusters a spreadsheet may break a line at: not after a word joiner (inside
a name kept whole)."""


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell takes in a column ``width`` units wide: its words laid out one
    after another, a word of Thai, Lao or Khmer broken between any of its clusters (where a
    spreadsheet's dictionary may break it) but a name's joined ones, a word longer than a
    line over lines of its own."""
    room = max(width - CELL_PADDING, 1.0)
    count = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for n, word in enumerate(w for w in re.split("[ \u200b]+", paragraph) if w):
            pieces = _BREAKABLE.split(word) if re.search(_SCRIPT, word) else [word]
            for k, piece in enumerate(pieces):
                wide = sum(map(_advance, piece))
                gap = ADVANCE["latin"] if n and not k and used else 0.0
                if used and used + gap + wide > room:  # on the next line
                    lines, used = lines + 1, 0.0
                elif used:
                    wide += gap
                while used + wide > room:  # longer than a line: broken over lines
                    wide -= room - used
                    lines, used = lines + 1, 0.0
                used += wide
        count += lines
    return count


MSEL_WIDTHS = (9, 12, 14, 40, 18, 20, 20, 34, 26, 34, 48)
"""The MSEL's columns' widths (units: a digit's width). The first holds the number and its
header's word in Thai, Lao or Khmer ("ลำดับที่"), which ran to the border of a column of 7."""
MOST_PT = 409.0
"""The tallest a spreadsheet row may be (Excel's limit: a taller one is cut there)."""
WIDEST = 80.0
"""The widest a column of the MSEL is made to keep a row within ``MOST_PT``."""


def _widths(table: list[list[str]]) -> list[float]:
    """The MSEL's columns' widths: ``MSEL_WIDTHS``, a column widened (a quarter at a time,
    up to ``WIDEST``) while a row's text in it takes more lines than a row can hold (the
    players of an inject for every nation, in a script that takes room: a list of EOCs)."""
    widths = [float(w) for w in MSEL_WIDTHS]
    most = int((MOST_PT - 3) // LINE_PT)
    for values in table:
        while True:
            lines = [_lines(v, w) for v, w in zip(values, widths, strict=True)]
            tallest = max(range(len(lines)), key=lines.__getitem__)
            if lines[tallest] <= most or widths[tallest] >= WIDEST:
                break
            widths[tallest] = min(WIDEST, round(widths[tallest] * 1.25, 1))
    return widths


def _print_setup(sheet: Any) -> None:
    """Printed: landscape A4, every column on one page width, the header row on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5


def msel_xlsx(
    title: str, rows: list[MselRow], t: Translator = ENGLISH, *, words: tuple[str, ...] = ()
) -> bytes:
    """The MSEL as an .xlsx: one row per inject in time order, HSEEP columns, a header row
    frozen and filtered. Text that a spreadsheet would run as a formula is neutralised.

    ``words``: the words of names no line may cut (``sim.report.marking.name_words``),
    joined in every cell as the Word AAR joins them (``_no_cuts``): LibreOffice's and
    Excel's dictionaries for Thai, Lao and Khmer cut a transliterated name ("ສະ|ຕຶງແຕງ")."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "MSEL"
    names = _names_pattern(words)
    sheet.append([breakable(t(column)) for column in MSEL_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for r in rows:
        sheet.append(
            [
                r.number,
                *(
                    breakable(_kept_whole(neutralise(v), names))
                    for v in (
                        r.scenario_time,
                        r.clock,
                        r.synopsis,
                        r.inject,
                        r.controller,
                        r.player,
                        r.expected_action,
                        r.capability,
                        r.discussion,
                        r.outcome,
                    )
                ),
            ]
        )
    widths = _widths([[str(c.value or "") for c in row] for row in sheet.iter_rows()])
    for column, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:  # the number centred, clear of the scenario time beside it
            centred = "center" if cell.column == 1 else None
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=centred)
        lines = max(
            _lines(str(cell.value or ""), width) for cell, width in zip(row, widths, strict=True)
        )
        sheet.row_dimensions[row[0].row].height = min(LINE_PT * lines + 3, MOST_PT)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _print_setup(sheet)
    book.properties.title = f"{title}: MSEL"
    book.properties.creator = "borderdrill"
    book.properties.created = book.properties.modified = FIXED_TIME.replace(tzinfo=None)
    buffer = io.BytesIO()
    book.save(buffer)
    return _stable(buffer.getvalue())
