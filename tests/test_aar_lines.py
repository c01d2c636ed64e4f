"""The Word AAR's lines in Thai, Lao and Khmer: names never cut, as LibreOffice prints them."""

from __future__ import annotations

import io
import itertools
import shutil
import unicodedata
from pathlib import Path

import docx
import pytest
from support import AGENCIES, CUT_BY_DICTIONARY, names_cut, printed_by_libreoffice

from sim.i18n import translator
from sim.report.aar import AfterAction, Contact
from sim.report.marking import name_words
from sim.report.planners import WORD_JOINER, aar_docx, joined
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent


def _aar(lang: str, words: tuple[str, ...]) -> bytes:
    """An AAR whose contacts table names each agency of each name, in narrow columns."""
    t = translator(lang)
    contacts = [
        Contact(nation, agency.format(name), agency.format(name), f"{name} (Romanised)")
        for name in CUT_BY_DICTIONARY[lang]
        for nation, agency in zip((name,) * 4, AGENCIES[lang], strict=True)
    ]
    aar = AfterAction(
        name="Lines",
        dates="",
        hazard="",
        scope="",
        organisations=[],
        summary=" ".join([*(c.agency for c in contacts), "41 นาที (ช่วงความเชื่อมั่น 95 %)"]),
        mission_area="",
        objectives=[],
        scenario_summary="",
        contacts=contacts,
        capabilities=[],
        strengths=[],
        findings=[],
        name_words=words,
    )
    return aar_docx(aar, {}, t)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="no LibreOffice on this machine")
def test_libreoffice_prints_no_name_cut_over_two_lines(tmp_path: Path) -> None:
    documents = {}
    for lang, names in CUT_BY_DICTIONARY.items():
        documents[f"{lang}.docx"] = _aar(lang, names)
        documents[f"{lang}-unkept.docx"] = _aar(lang, ())
    printed = printed_by_libreoffice(tmp_path, documents)
    for lang, names in CUT_BY_DICTIONARY.items():
        assert all(n in printed[lang].replace(" ", "") for n in names), lang
        assert names_cut(printed[lang], names) == [], lang
        assert names_cut(printed[f"{lang}-unkept"], names), lang  # LibreOffice's breaking


def test_a_name_is_joined_between_clusters_only() -> None:
    for lang, names in CUT_BY_DICTIONARY.items():
        for name in names:
            parts = joined(name).split(WORD_JOINER)
            assert "".join(parts) == name and len(parts) > 2, (lang, name)
            for before, after in itertools.pairwise(parts):
                assert not unicodedata.category(after[0]).startswith("M")  # no mark alone
                assert before[-1] not in "\u17d2\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2"
                assert after[0] not in "\u0e30\u0e32\u0e33\u0eb0\u0eb2\u0eb3"  # vowels after


def test_the_aar_joins_names_only_and_keeps_the_words_beside_them_apart() -> None:
    body = docx.Document(io.BytesIO(_aar("th", CUT_BY_DICTIONARY["th"]))).paragraphs[2].text
    assert f"ทหารและตำรวจจังหวัด\u200b{joined('สตึงแตรง')}" in body
    assert f"หน่วยกู้ภัยแขวง\u200b{joined('จำปาสัก')}" in body
    assert "41 นาที\u00a0(ช่วงความเชื่อมั่น" in body  # LibreOffice cut "(ช่|วง" at a line's end
    unjoined = body.replace(WORD_JOINER, "").replace("\u200b", "")
    assert unjoined == docx.Document(io.BytesIO(_aar("th", ()))).paragraphs[2].text


def test_the_words_kept_whole_are_short_names_and_the_names_in_longer_ones() -> None:
    sekong = load_scenario(ROOT / "scenarios" / "sekong_flood_2018.toml")
    wildfire = load_scenario(ROOT / "scenarios" / "tri_border_wildfire_2024.toml")
    th, km = name_words(sekong, "th"), name_words(wildfire, "km")
    assert {"สตึงแตรง", "จำปาสัก", "เสียมปาง", "ไทย"} <= set(th)
    assert "ជាំក្សាន្ត" in km  # from "ទីរួមស្រុកជាំក្សាន្ត", the district centre
    assert "คณะกรรมการจัดการภัยพิบัติจังหวัดสตึงแตรง" not in th  # a description breaks
    assert name_words(sekong, "en") == ()
    assert list(th) == sorted(th, key=lambda w: (-len(w), w))
