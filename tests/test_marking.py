"""A translated page's names kept whole and its English marked: in the text a reader sees,
never inside a tag, a title, a menu's option or a script, nor inside a word or a cluster."""

from __future__ import annotations

from pathlib import Path

from support import SCENARIOS, with_script_names

from sim import load_scenario
from sim.report.marking import marked


def test_names_are_marked_in_the_text_a_reader_sees_only(tmp_path: Path) -> None:
    scenario = load_scenario(_written(tmp_path))
    page = (
        '<title>ปากเซ (Pakse)</title><p title="ปากเซ (Pakse)">ไปปากเซ (Pakse) จาก Ban Hat</p>'
        '<select><option>ปากเซ (Pakse)</option></select><script>"ปากเซ"</script>'
    )
    assert marked(page, scenario, "th") == (
        '<title>ปากเซ (Pakse)</title><p title="ปากเซ (Pakse)">ไป<span class="nw">ปากเซ</span>'
        ' (<span lang="en">Pakse</span>) จาก <span lang="en">Ban Hat</span></p>'
        '<select><option>ปากเซ (Pakse)</option></select><script>"ปากเซ"</script>'
    )
    assert marked(page, scenario, "en") == page  # an English page is English throughout


def test_a_name_is_not_marked_inside_a_word_or_a_cluster(tmp_path: Path) -> None:
    scenario = load_scenario(_written(tmp_path))
    # Ban Hatter is another word; ปากเซ followed by a vowel mark is another cluster
    page = "<p>Ban Hatter, ปากเซ\u0e34, เปากเซ</p>"
    assert marked(page, scenario, "th") == page


def _written(tmp_path: Path) -> Path:
    """tiny_border.toml with its names in the scripts, but Ban Hat's (English only)."""
    path = tmp_path / "tiny_border.toml"
    lines = with_script_names((SCENARIOS / "tiny_border.toml").read_text()).splitlines()
    kept = [
        line
        for before, line in zip(["", *lines], lines, strict=False)
        if not (line.startswith("names = ") and before == 'name = "Ban Hat"')
    ]
    path.write_text("\n".join(kept) + "\n")
    return path
