"""The reader's language: every message translated, numbers, dates and durations in the
locale, and the report rendered whole in Thai, Lao and Khmer."""

from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
import warnings
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from support import (
    AGENCY_NAMES,
    SCENARIOS,
    SCRIPT_NAMES,
    english_left,
    refused,
    unmarked,
    with_script_names,
)

from sim.cli import main
from sim.i18n import LANGUAGES, TRANSLATED, translator
from sim.i18n.catalogues import read, source_messages, untranslated

PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\)s|%)")


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def sources() -> dict[str, object]:
    return {_key(m.id): m for m in source_messages() if m.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_of_the_sources_is_translated(lang: str, sources: dict[str, object]) -> None:
    catalogue = read(lang)
    kept = {_key(m.id) for m in catalogue if m.id}
    assert sorted(set(sources) - kept) == [], "run scripts/catalogues.py, then translate"
    assert sorted(kept - set(sources)) == [], "messages no longer in the sources"
    assert untranslated(catalogue) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(lang: str) -> None:
    for message in read(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == wanted, (ids[0], string)
            assert string.count("<b>") == ids[0].count("<b>"), (ids[0], string)


def test_a_missing_translation_is_caught() -> None:
    catalogue = read("th")
    first = next(m for m in catalogue if m.id)
    first.string = ""
    assert untranslated(catalogue) == [_key(first.id)]


def test_thai_dates_carry_the_buddhist_era_year() -> None:
    day = datetime(2018, 7, 23, 20, 0)
    assert translator("th").date(day) == "23 กรกฎาคม พ.ศ. 2561"
    assert translator("th").datetime(day) == "วันจันทร์ที่ 23 กรกฎาคม พ.ศ. 2561, 20:00"
    assert translator("lo").date(day) == "23 ກໍລະກົດ 2018"
    assert translator("km").date(date(2024, 3, 5)) == "5 មីនា 2024"
    assert translator("en").datetime(day) == "Monday 23 July 2018, 20:00"


def test_durations_in_words_of_the_language() -> None:
    assert translator("th").duration(125) == "2 ชั่วโมง 5 นาที"
    assert translator("lo").duration(1440 + 60) == "1 ມື້ 1 ຊົ່ວໂມງ"
    assert translator("km").duration(45) == "45 នាទី"
    assert translator("en").duration(125) == "2h 05min"
    assert translator("th").duration(None) == "—"


def test_numbers_with_the_locale_separators() -> None:
    assert translator("en").number(90091) == "90,091"
    assert translator("th").number(90091) == "90,091"
    assert translator("lo").number(90091.5, 1) == "90.091,5"
    assert translator("km").percent(0.24) == "24%"


@given(st.integers(min_value=0, max_value=60 * 24 * 400), st.sampled_from(TRANSLATED))
def test_a_duration_reads_back_to_its_minutes(minutes: int, lang: str) -> None:
    words = translator(lang).duration(minutes)
    assert not re.search(r"[A-Za-z]", words), words
    numbers = [int(n) for n in re.findall(r"\d+", words.replace(",", "").replace(".", ""))]
    units = {"th": ("วัน", "ชั่วโมง", "นาที"), "lo": ("ມື້", "ຊົ່ວໂມງ", "ນາທີ"), "km": ("ថ្ងៃ", "ម៉ោង", "នាទី")}
    scale = dict(zip(units[lang], (1440, 60, 1), strict=True))
    found = re.findall(r"(\d[\d.,]*)\s*(\S+)", words)
    assert len(found) == len(numbers)
    assert sum(int(re.sub(r"\D", "", n)) * scale[u] for n, u in found) == minutes


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="th, lo, km"):
        translator("fr")
    refused(
        ["run", str(SCENARIOS / "tiny.toml"), "-o", str(tmp_path / "r"), "--lang", "fr"],
        "--lang",
        "'th'",
    )
    assert not (tmp_path / "r").exists()


@pytest.fixture(scope="module")
def tiny_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    scenario = tmp_path_factory.mktemp("scenario") / "tiny_border.toml"
    scenario.write_text(with_script_names((SCENARIOS / "tiny_border.toml").read_text()))
    folders = {}
    for lang in LANGUAGES:
        folder = tmp_path_factory.mktemp(lang) / "run"
        args = ["run", str(scenario), "-o", str(folder), "--quiet", "--lang", lang]
        with warnings.catch_warnings():  # a glyph missing from every font is a failure
            warnings.filterwarnings("error", message=".*[Gg]lyph.*missing")
            result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        folders[lang] = folder
    return folders


ALLOWED = {
    *("Tiny", "border"),  # the scenario's own title, as its file writes it
    *("NDMC", "DDPM", "HSEEP", "MSEL", "EOC", "JCC", "UTC", "JOINT", "borderdrill", "seed"),
    *("csv", "json", "incidents", "events", "summary", "scenario", "resolved", "manifest"),
    *("assess", "from", "decision"),  # an option and a column of the event log, as typed
}
"""English words a translated report keeps: the scenario's title, acronyms, names of
files, options and fields a reader types or looks up as they are."""


def _english_left(page: str) -> list[str]:
    return english_left(page, ALLOWED)


def _chrome(page: str) -> list[str]:
    """The report's own words: headings, table headers, key-figure labels, image texts."""
    page = unmarked(page)
    found = re.findall(r"<(h2|h3|th)[^>]*>(.*?)</\1>", page, flags=re.S)
    texts = [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for _, text in found]
    texts += re.findall(r'alt="([^"]*)"', page)
    texts += re.findall(r"</b>([^<]+)</div>", page)  # the key figures' labels
    return texts


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_report_is_in_the_readers_language(lang: str, tiny_reports: dict[str, Path]) -> None:
    page = (tiny_reports[lang] / "report.html").read_text()
    english = (tiny_reports["en"] / "report.html").read_text()
    assert f'<html lang="{lang}">' in page and '<html lang="en">' in english
    ours, theirs = _chrome(page), _chrome(english)
    assert len(ours) == len(theirs) > 60
    words = [(a, b) for a, b in zip(ours, theirs, strict=True) if re.search("[a-z]{3}", b)]
    assert [(a, b) for a, b in words if a == b or re.search("[a-z]{3}", a)] == []
    manifest = json.loads((tiny_reports[lang] / "manifest.json").read_text())
    assert manifest["language"] == lang
    assert _english_left(page) == []
    assert len(_english_left(english)) > 300
    script = {"th": 0, "lo": 1, "km": 2}[lang]
    ban_hat = SCRIPT_NAMES["ban_hat"][script]
    assert f'<td><span class="nw">{ban_hat}</span> (<span lang="en">Ban Hat</span>)</td>' in page
    assert f"{SCRIPT_NAMES['chong_mek_vang_tao'][script]} (Chong Mek - Vang Tao)" in unmarked(page)
    assert "<td>Ban Hat</td>" in english and SCRIPT_NAMES["ban_hat"][script] not in english
    # the agencies in the reader's script, their acronym beside (the contacts, the units)
    for acronym, names in AGENCY_NAMES.items():
        assert f"<td>{names[script]} ({acronym})</td>" in unmarked(page)
        assert f"<td>{acronym}</td>" in english and names[script] not in english


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ('{ fr = "Pakse" }', ["places[3].names.fr", "unknown language 'fr'", "th, lo or km"]),
        ('{ lo = " " }', ["places[3].names.lo", "at least 1 character"]),
        ('{ lo = "Pakse" }', ["places[3].names.lo", "not in Lao script"]),
        ('{ th = "ปากเซ", source = { ref = "" } }', ["places[3].names.source"]),
    ],
)
def test_bad_script_names_are_refused(tmp_path: Path, names: str, expected: list[str]) -> None:
    text = (SCENARIOS / "tiny_border.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('name = "Pakse"\n', f'name = "Pakse"\nnames = {names}\n', 1))
    refused(["validate", str(bad)], *expected)


@pytest.mark.parametrize(
    ("after", "names", "expected"),
    [
        ('agency = "NDMC"\n', '{ lo = "NDMC" }', ["nations[0].agency_names.lo", "not in Lao"]),
        ('agency = "NDMC"\n', '{ fr = "NDMC" }', ["nations[0].agency_names.fr", "th, lo or km"]),
        (  # the Thai boat is the DDPM's, which its nation names otherwise
            'type = "boat"\nbase = "ubon"\n',
            '{ th = "ปภ." }',
            ["units[0].agency_names.th", "which nations[1] names", "name the agency one way"],
        ),
    ],
)
def test_bad_agency_names_are_refused(
    tmp_path: Path, after: str, names: str, expected: list[str]
) -> None:
    text = (SCENARIOS / "tiny_border.toml").read_text()
    text = with_script_names(text) if after.startswith("type") else text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(after, f"{after}agency_names = {names}\n", 1))
    output = refused(["validate", str(bad)], *expected)
    line = next(n for n, t in enumerate(bad.read_text().splitlines(), 1) if t.endswith(names))
    assert f"line {line}," in output


GLOSSARY = Path(__file__).parent.parent / "docs" / "glossary.md"


def glossary() -> list[tuple[list[str], dict[str, str]]]:
    """The glossary's terms: English forms, and the translation of each language."""
    section = GLOSSARY.read_text().split("## Terms the catalogues use")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]
    terms = []
    for row in rows:
        english, th, lo, km, meaning = (cell.strip() for cell in row.strip("|").split("|"))
        assert all((english, th, lo, km, meaning)), row
        terms.append(
            ([form.strip() for form in english.split(" / ")], {"th": th, "lo": lo, "km": km})
        )
    return terms


def test_the_glossary_has_the_issues_terms() -> None:
    forms = {form for english, _ in glossary() for form in english}
    needed = {"request", "approval", "pre-authorisation", "crossing", "joint centre", "evacuation"}
    assert needed <= forms
    agencies = GLOSSARY.read_text().split("## The three disaster agencies")[1]
    assert all(name in agencies for name in ("DDPM", "NDMC", "MLSW", "NCDM"))


def glossary_agencies() -> dict[str, dict[str, str]]:
    """The three disaster agencies: acronym, and its name in each language (without the
    glossary's notes on its nation, ministry and short form)."""
    section = GLOSSARY.read_text().split("## The three disaster agencies")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][2:]
    agencies = {}
    for row in rows:
        _, english, *written = (cell.strip() for cell in row.strip("|").split("|"))
        acronym = re.findall(r"\(([A-Z]{3,})\)", english)[0]
        cores = [re.split(r"[(;,]", cell)[0].strip() for cell in written]
        agencies[acronym] = dict(zip(TRANSLATED, cores, strict=True))
    return agencies


@pytest.mark.parametrize("name", ["sekong_flood_2018", "tri_border_wildfire_2024"])
def test_the_agencies_are_named_as_the_glossary_names_them(name: str) -> None:
    from sim import load_scenario

    scenario = load_scenario(Path(__file__).parent.parent / "scenarios" / f"{name}.toml")
    glossary = glossary_agencies()
    assert sorted(glossary) == ["DDPM", "NCDM", "NDMC"]
    for nation in scenario.nations:  # the library's nations: the glossary's names exactly
        assert nation.agency_names is not None
        assert nation.agency_names.model_dump(include=set(TRANSLATED)) == glossary[nation.agency]
    astray = [  # any other agency written with an acronym (DDPM and volunteers ...) too
        (agency, lang, word)
        for (_, agency), names in scenario.agencies().items()
        for acronym, written in glossary.items()
        if re.search(rf"\b{acronym}\b", agency)
        for lang, word in written.items()
        if names is None or word not in getattr(names, lang)
    ]
    assert astray == []


def glossary_terms(lang: str) -> list[tuple[re.Pattern[str], str]]:
    """Each glossary term: a pattern of its English forms, and its word in ``lang``."""
    return [
        (
            re.compile("|".join(rf"(?<![\w-]){re.escape(f)}(?![\w-]|\.\w)" for f in forms), re.I),
            t[lang],
        )
        for forms, t in glossary()
    ]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_glossary_term_is_translated_the_same_way_everywhere(lang: str) -> None:
    terms = glossary_terms(lang)
    astray = []
    for message in read(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english = PLACEHOLDER.sub("", ids[0])
        for pattern, word in terms:
            if pattern.search(english):
                astray += [(pattern.pattern[:30], word, ids[0]) for s in strings if word not in s]
    assert astray == []


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize(
    "name", ["sekong_flood_2018", "tri_border_wildfire_2024", "new", "new-wildfire"]
)
def test_the_shipped_scenarios_texts_use_the_glossary_terms(
    name: str, lang: str, tmp_path: Path
) -> None:
    """So do the texts of a draft of ``borderdrill new``."""
    from sim import load_scenario
    from sim.library.draft import draft_scenario
    from sim.scenario.text import Text

    path = Path(__file__).parent.parent / "scenarios" / f"{name}.toml"
    if name.startswith("new"):
        path = tmp_path / "draft.toml"
        hazard = "wildfire" if name.endswith("wildfire") else "flood"
        path.write_text(draft_scenario("LA,KH", hazard, "nong_nok_khiene"), encoding="utf-8")
    scenario = load_scenario(path)
    texts: list[Text | None] = [scenario.scenario.name, scenario.scenario.description]
    for inject in scenario.injects:
        texts += [inject.synopsis, inject.expected_action, *inject.discussion]
    written = [t for t in texts if t is not None]
    assert all(getattr(t, lang) for t in written)  # every text translated
    astray = [
        (word, t.en)
        for t in written
        for pattern, word in glossary_terms(lang)
        if pattern.search(t.en) and word not in t.in_language(lang)
    ]
    assert astray == []


NAMES_ON_LINES = """(() => {
  const lines = e => new Set([...e.getClientRects()].map(r => Math.round(r.top))).size;
  const names = [...document.querySelectorAll('.nw')];
  const cut = names.filter(e => lines(e) > 1).map(e => e.textContent);
  const wide = document.documentElement.scrollWidth;
  names.forEach(e => e.style.whiteSpace = 'normal');  // as the browser would break them
  const unkept = names.filter(e => lines(e) > 1).map(e => e.textContent);
  const wideUnkept = document.documentElement.scrollWidth;
  return {names: names.length, cut, unkept, wider: wide - wideUnkept};
})()"""
"""The names kept whole in a page, those cut over two lines, those the browser's own line
breaking would cut, and how much wider keeping them whole makes the page."""


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_name_in_the_readers_script_is_never_cut_over_two_lines(
    lang: str, tiny_reports: dict[str, Path]
) -> None:
    from browser import find_browser
    from chromium import Browser

    if find_browser() is None:
        pytest.skip("no Chromium on this machine (CI installs it)")
    path = tiny_reports[lang] / "report.html"
    for width in (400, 1280):
        with Browser(width, 900) as browser:
            browser.goto(path.as_uri())
            found = browser.evaluate(NAMES_ON_LINES)
        assert found["names"] > 40 and found["cut"] == [], (width, found)
        assert found["wider"] == 0, (width, found)  # kept whole, yet no wider
        if width == 400:  # a narrow window: Chromium's dictionary would cut names
            assert len(found["unkept"]) > 3, found


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_word_aar_and_the_msel_are_in_the_readers_language(
    lang: str, tiny_reports: dict[str, Path]
) -> None:
    import zipfile

    from openpyxl import load_workbook

    from sim.i18n import translator
    from sim.report.planners import LANGUAGE_TAGS

    t = translator(lang)
    document = zipfile.ZipFile(tiny_reports[lang] / "aar.docx")
    body = document.read("word/document.xml").decode("utf-8")
    styles = document.read("word/styles.xml").decode("utf-8")
    assert t("After-Action Report / Improvement Plan") in body
    assert t("Executive summary") in body and "Executive summary" not in body
    ddpm = AGENCY_NAMES["DDPM"][{"th": 0, "lo": 1, "km": 2}[lang]]
    assert f"{ddpm} (DDPM)" in re.sub(r"<[^>]+>|\u200b|\u2060", "", body)  # contacts, organisations
    assert f'w:bidi="{LANGUAGE_TAGS[lang]}"' in styles
    sheet = load_workbook(tiny_reports[lang] / "msel.xlsx").active
    header = [cell.value for cell in sheet[1]]
    # Khmer carries a zero-width space between clusters, where a cell may wrap it (it has
    # no spaces between words, and a long word would run out of its cell, cut)
    assert any("\u200b" in h for h in header) == (lang == "km")
    header = [h.replace("\u200b", "") for h in header]
    assert t("Expected action") in header and "Expected action" not in header
    assert t("Clock time (UTC+7)") in header


def _demanding_msel(lang: str) -> bytes:
    """An MSEL of one inject whose cells run long in the reader's script: its players every
    EOC of a long list (an inject for every nation), names and agencies in the script with
    the romanised name beside, several discussion questions."""
    from sim.report.planners import MselRow, msel_xlsx

    t = translator(lang)
    script = TRANSLATED.index(lang) if lang in TRANSLATED else None

    def named(key: str, english: str) -> str:
        return english if script is None else f"{SCRIPT_NAMES[key][script]} ({english})"

    def agency(acronym: str) -> str:
        return acronym if script is None else f"{AGENCY_NAMES[acronym][script]} ({acronym})"

    eocs = [named("pakse_eoc", "Pakse disaster office"), named("ubon_eoc", "DDPM region 13")]
    places = ", ".join(named(k, e) for k, e in (("ban_hat", "Ban Hat"), ("pakse", "Pakse")))
    row = MselRow(
        number=1,
        scenario_time=t.duration(1440 + 125),
        clock=t.moment(datetime(2018, 7, 24, 22, 5)),
        synopsis=" ".join([agency("DDPM"), agency("NDMC"), places] * 3),
        inject=f"{t('incident')}: {named('rescue', 'Rescue of stranded people')}, {places}",
        controller=t("Exercise control, %(nations)s cell", nations=named("LA", "Laos")),
        player="; ".join(eocs * 8),
        expected_action=" ".join([agency("NDMC"), named("boat", "Rescue boat team")] * 4),
        capability=t(
            "%(capability)s: first unit on scene within %(target)s",
            capability=t("Mass Care Services"),
            target=t.duration(240),
        ),
        outcome=t("did not happen before the end"),
        discussion="\n".join([f"{agency('DDPM')}? {places}?"] * 4),
    )
    return msel_xlsx("MSEL", [row], t)


def _printed_characters(text: str, khmer: bool = True) -> Counter[str]:
    """The characters of a text but its spaces and invisible ones (and but Khmer's:
    pdftotext reads Khmer's stacked letters back in another order and fewer)."""
    text = re.sub(r"[\s\u200b\u2060\u00a0]", "", unicodedata.normalize("NFC", text))
    return Counter(c for c in text if khmer or not "\u1780" <= c <= "\u17ff")


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="no LibreOffice or poppler on this machine",
)
def test_libreoffice_prints_every_cell_of_the_msel_whole(tmp_path: Path) -> None:
    """The MSEL spreadsheet as LibreOffice prints it (its page set up: landscape A4, the
    header row on each page), in each language, with cells that run long: every character
    of every cell is printed (a row too short for its text loses its last lines from the
    print), and no row is taller than Excel allows (it would cut it there)."""
    import subprocess

    from openpyxl import load_workbook

    from sim.report.planners import MOST_PT

    for lang in LANGUAGES:
        (tmp_path / f"{lang}.xlsx").write_bytes(_demanding_msel(lang))
    files = sorted(str(p) for p in tmp_path.glob("*.xlsx"))
    convert = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
    subprocess.run([*convert, *files], check=True, capture_output=True, timeout=300)
    for lang in LANGUAGES:
        sheet = load_workbook(tmp_path / f"{lang}.xlsx").active
        assert all(sheet.row_dimensions[r].height <= MOST_PT for r in (1, 2)), lang
        pdf = str(tmp_path / f"{lang}.pdf")
        info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True)
        pages = int(re.findall(r"Pages:\s+(\d+)", info.stdout)[0])
        printed = subprocess.run(
            ["pdftotext", "-raw", pdf, "-"], check=True, capture_output=True, text=True
        ).stdout
        whole = lang != "km"  # (Khmer read back whole?)
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        header = [str(c.value) for c in sheet[1]] * (pages - 1)  # repeated on each page
        wanted = _printed_characters("".join(cells + header), whole)
        lost = wanted - _printed_characters(printed, whole)
        assert not lost and len(cells) == 22, (lang, lost)


def test_every_plural_is_extracted_with_both_forms(sources: dict[str, object]) -> None:
    """A call the extractor misreads (a string inside its arguments) would keep only the
    singular, and the plural would stay English."""
    package = Path(__file__).parent.parent / "sim"
    calls = len(
        {
            singular
            for path in package.rglob("*.py")
            for singular in re.findall(r"\bngettext\(\s*\n?\s*\"([^\"]*)\"", path.read_text())
        }
    )
    tags = sum(path.read_text().count("{% pluralize") for path in package.rglob("*.j2"))
    plurals = [m for m in sources.values() if isinstance(m.id, tuple)]  # type: ignore[attr-defined]
    assert len(plurals) == calls + tags > 10


def test_khmer_is_breakable_between_clusters_only() -> None:
    from sim.report.planners import breakable

    word = "ការត្រួតពិនិត្យសមយុទ្ធ ថៃ"
    broken = breakable(word)
    assert broken.replace("\u200b", "") == word and broken.count("\u200b") >= 8
    assert "\u17d2\u200b" not in broken and "\u200b\u17d2" not in broken  # never at a coeng
    assert all(not "\u17b6" <= part[0] <= "\u17d3" for part in broken.split("\u200b"))
    assert breakable("Ban Hat ปากเซ ປາກເຊ") == "Ban Hat ปากเซ ປາກເຊ"
