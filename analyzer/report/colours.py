"""The one colour palette of the reports and the PDF highlighter.

Steps use six colours of the Okabe-Ito palette, which stay distinguishable for
the common forms of colour blindness. Report text is never set in these
colours; they mark borders, swatches and highlights, so contrast with text
does not depend on them.
"""

from __future__ import annotations

STEP_COLOURS: dict[str, str] = {
    "dd1_embed": "#0072B2",        # blue
    "dd2_identify": "#E69F00",     # orange
    "dd3_prevent": "#009E73",      # bluish green
    "dd4_track": "#CC79A7",        # reddish purple
    "dd5_communicate": "#56B4E9",  # sky blue
    "dd6_remedy": "#D55E00",       # vermillion
}
NEUTRAL = "#7F7F7F"

# Badge colours: (background, text), text contrast >= 7:1 on its background.
STATUS_BADGES: dict[str, tuple[str, str]] = {
    "met": ("#DCEFE3", "#14532D"),
    "present": ("#DCEFE3", "#14532D"),
    "partial": ("#FDF0D5", "#713F12"),
    "weak": ("#FDF0D5", "#713F12"),
    "mentioned": ("#FDF0D5", "#713F12"),
    "missing": ("#FBE0DC", "#7F1D1D"),
    "absent": ("#FBE0DC", "#7F1D1D"),
    "n/a": ("#ECECEC", "#333333"),
}
DEFAULT_BADGE = ("#ECECEC", "#333333")

# Opacity of a highlight over the page (0-255), blended with Multiply.
HIGHLIGHT_ALPHA = 110


def step_colour(step_id: str | None) -> str:
    """Hex colour of a step; grey for an unknown or missing step."""
    return STEP_COLOURS.get(step_id or "", NEUTRAL)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``"#E69F00"`` -> ``(230, 159, 0)``."""
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def badge(status: str | None) -> tuple[str, str]:
    """(background, text) colours for a status badge."""
    return STATUS_BADGES.get(status or "", DEFAULT_BADGE)
