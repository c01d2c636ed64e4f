"""Fonts for the figures: Thai, Lao and Khmer text drawn with real glyphs.

Matplotlib takes, for each character, the first font of the ``font.family`` list that has
its glyph (and shapes each run of text), so a Latin label stays in the usual sans-serif
font and a Thai, Lao or Khmer one falls to the Noto font of its script. (A generic family
such as "sans-serif" counts as its first font only, so the list names them.) The Noto
fonts come from the system (Debian and Ubuntu: ``fonts-noto-core``); without them
matplotlib warns of missing glyphs, and the tests turn that warning into a failure.
"""

from __future__ import annotations

from functools import cache

SCRIPT_FONTS = ("Noto Sans Thai", "Noto Sans Lao", "Noto Sans Khmer")
"""The fonts for the readers' scripts, tried after the Latin one."""


@cache
def use_script_fonts() -> tuple[str, ...]:
    """Put the scripts' fonts that are installed after matplotlib's sans-serif font in the
    family list; return them."""
    import matplotlib
    from matplotlib import font_manager

    installed = []
    for family in SCRIPT_FONTS:
        try:
            font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        installed.append(family)
    latin = matplotlib.rcParams["font.sans-serif"][0]  # DejaVu Sans, shipped with matplotlib
    matplotlib.rcParams["font.family"] = [latin, *installed, "sans-serif"]
    return tuple(installed)
