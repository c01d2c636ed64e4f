"""Helpers the tests share: tiny scenarios with a change applied."""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.scenario import Scenario
from sim.scenario.loader import validate_scenario

SCENARIOS = Path(__file__).parent / "scenarios"

Change = Callable[[dict[str, Any]], None]


def load_with(name: str, change: Change | None = None) -> Scenario:
    """A test scenario (by file name) with ``change`` applied to its data, validated."""
    data = tomllib.loads((SCENARIOS / name).read_text())
    if change is not None:
        change(data)
    return validate_scenario(data)[0]


def slow_lao_boat(data: dict[str, Any]) -> None:
    """tiny_border.toml: add a Lao boat at Pakse that takes 3 h to mobilise."""
    data["unit_types"].append({**data["unit_types"][0], "id": "slow_boat", "mobilisation": "3h"})
    data["units"].append(
        {"id": "la-boat", "nation": "LA", "agency": "army", "type": "slow_boat", "base": "pakse"}
    )


def lao_village(
    data: dict[str, Any], place: str, km: float, lat: float, lon: float, **more: Any
) -> None:
    """tiny_border.toml: add a Lao village ``km`` of rural road from Pakse, on the water
    (``more``: other fields of the place, e.g. its population)."""
    name = place.replace("_", " ").title()
    data["places"].append(
        {"id": place, "name": name, "nation": "LA", "kind": "village", "lat": lat, "lon": lon,
         "population": 50, "water_access": True, **more}
    )  # fmt: skip
    data["roads"].append({"from": "pakse", "to": place, "km": km, "class": "rural"})


def refused(args: list[str], *expected: str) -> str:
    """Run the command line; assert a clean refusal (exit 2, no traceback) naming ``expected``."""
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for text in expected:
        assert text in result.output, result.output
    return result.output


SCRIPT_NAMES = {
    "ubon": ("อุบลราชธานี", "ອຸບົນລາດຊະທານີ", "អ៊ូបុនរាជធានី"),
    "chong_mek": ("ช่องเม็ก", "ຊ່ອງເມັກ", "ចុងម៉េក"),
    "vang_tao": ("วังเต่า", "ວັງເຕົ່າ", "វ៉ាងតៅ"),
    "pakse": ("ปากเซ", "ປາກເຊ", "ប៉ាក់សេ"),
    "ban_hat": ("บ้านหาด", "ບ້ານຫາດ", "បានហាត"),
    "chong_mek_vang_tao": ("ช่องเม็ก - วังเต่า", "ຊ່ອງເມັກ - ວັງເຕົ່າ", "ចុងម៉េក - វ៉ាងតៅ"),
    "rescue": ("การช่วยเหลือผู้ติดค้าง", "ການກູ້ໄພຜູ້ຕິດຄ້າງ", "ការសង្គ្រោះអ្នកជាប់គាំង"),
    "boat": ("ทีมเรือกู้ภัย", "ທີມເຮືອກູ້ໄພ", "ក្រុមទូកសង្គ្រោះ"),
    "LA": ("ลาว", "ລາວ", "ឡាវ"),
    "TH": ("ไทย", "ໄທ", "ថៃ"),
    "pakse_eoc": (
        "สำนักงานภัยพิบัติแขวงจำปาสัก",
        "ຫ້ອງການໄພພິບັດແຂວງຈຳປາສັກ",
        "ការិយាល័យគ្រោះមហន្តរាយខេត្តចំប៉ាសាក់",
    ),
    "ubon_eoc": ("ปภ. เขต 13 อุบลราชธานี", "ປພ. ເຂດ 13 ອຸບົນລາດຊະທານີ", "DDPM តំបន់ 13 អ៊ូបុនរាជធានី"),
}


AGENCY_NAMES = {
    "DDPM": (
        "กรมป้องกันและบรรเทาสาธารณภัย",
        "ກົມປ້ອງກັນ ແລະ ບັນເທົາສາທາລະນະໄພ",
        "នាយកដ្ឋានបង្ការ និងកាត់បន្ថយគ្រោះមហន្តរាយ",
    ),
    "NDMC": (
        "คณะกรรมการจัดการภัยพิบัติแห่งชาติ",
        "ຄະນະກຳມະການຄຸ້ມຄອງໄພພິບັດແຫ່ງຊາດ",
        "គណៈកម្មាធិការជាតិគ្រប់គ្រងគ្រោះមហន្តរាយ",
    ),
}
"""The nations' agencies in the scripts, as the glossary names them."""


def with_script_names(text: str) -> str:
    """tiny_border.toml with every place, crossing, need, unit type, nation and nation's
    agency named in Thai, Lao and Khmer script (as a planner adds them)."""
    lines, current, section = [], "", ""
    for line in text.splitlines():
        lines.append(line)
        section = line if line.startswith("[") else section
        found = re.match(r'^(?:id|code) = "([^"]+)"', line)
        current = found.group(1) if found else current
        if line.startswith("name = ") and current in SCRIPT_NAMES:
            th, lo, km = SCRIPT_NAMES[current]
            lines.append(f'names = {{ th = "{th}", lo = "{lo}", km = "{km}" }}')
            current = ""
        agency = re.match(r'^agency = "([A-Z]+)"', line)
        if agency and section == "[[nations]]" and agency[1] in AGENCY_NAMES:
            th, lo, km = AGENCY_NAMES[agency[1]]
            lines.append(f'agency_names = {{ th = "{th}", lo = "{lo}", km = "{km}" }}')
    return "\n".join(lines) + "\n"


def unmarked(page: str) -> str:
    """A page without the spans that mark its names and English (``sim.report.marking``)."""
    return re.sub(r"</?span(?: class=\"nw\"| lang=\"en\")?>", "", page)


def english_left(page: str, allowed: set[str]) -> list[str]:
    """Words of three or more Latin letters in a page's text that are not a romanised
    name in brackets, a citation or an ``allowed`` word."""
    page = re.sub(r"<(style|script|title)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]*"', "", page)
    page = unmarked(page)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    text = re.sub(r"\([A-Z][^()]*\)", "", text)  # romanised names beside the script's
    lines = [line for line in text.splitlines() if "GSHHG" not in line]  # the map's source
    words = re.findall(r"[A-Za-z]{3,}", "\n".join(lines))
    return sorted({w for w in words if w not in allowed})


def as_sent(raw: dict[str, Any]) -> Any:
    """The command a page would send with these fields (``sim.decisions.commands``)."""
    from sim.decisions.commands import parse

    return parse(raw, recorded=False, form=True)


CUT_BY_DICTIONARY = {
    "th": ("สตึงแตรง", "จำปาสัก", "เสียมปาง", "ปากเซ"),
    "lo": ("ສະຕຶງແຕງ", "ຈຳປາສັກ", "ອັດຕະປື", "ສະໜາມໄຊ"),
    "km": ("ស្ទឹងត្រែង", "ចំប៉ាសាក់", "ជាំក្សាន្ត", "ព្រះវិហារ"),
}
"""Names a line-breaking dictionary finds words in ("จำปา|สัก"): transliterations."""

AGENCIES = {
    "th": ("ทหารและตำรวจจังหวัด{}", "หน่วยกู้ภัยแขวง{}", "ตำรวจอำเภอ{}", "โรงพยาบาล{}"),
    "lo": ("ທະຫານ ແລະ ຕຳຫຼວດແຂວງ{}", "ໜ່ວຍກູ້ໄພແຂວງ{}", "ໂຮງໝໍແຂວງ{}", "ຫ້ອງການປົກຄອງເມືອງ{}"),
    "km": ("កងយោធា និងនគរបាលខេត្ត{}", "ក្រុមសង្គ្រោះខេត្ត{}", "រដ្ឋបាលស្រុក{}", "មន្ទីរពេទ្យខេត្ត{}"),
}
"""How the AAR and the MSEL write those names: inside an agency's name, with no space
before."""


def names_cut(text: str, names: tuple[str, ...]) -> list[str]:
    """The names a printed text cuts over two lines (spaces and joiners aside: pdftotext
    adds spaces inside Khmer)."""
    text = re.sub("[ \u200b\u2060]", "", text)
    whole = text.replace("\n", "")
    return [n for n in names for _ in range(whole.count(n) - text.count(n))]


def printed_by_libreoffice(folder: Path, documents: dict[str, bytes]) -> dict[str, str]:
    """Print documents (file name -> content) to PDF with LibreOffice in ``folder``: the
    text of each, by the file's stem, as ``pdftotext -raw`` reads it back."""
    import subprocess

    for name, content in documents.items():
        (folder / name).write_bytes(content)
    convert = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
    files = sorted(str(folder / name) for name in documents)
    subprocess.run([*convert, *files], check=True, capture_output=True, timeout=300)
    return {
        Path(name).stem: subprocess.run(
            ["pdftotext", "-raw", str(folder / f"{Path(name).stem}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name in documents
    }
