"""Text contrast of at least 4.5:1 (WCAG 2.1 AA 1.4.3, issue 9 §6) for the colours static/css/app.css
gives text, on every background they are shown on: the page (#f8f9fa), cards (white), the tinted
table rows (danger, warning, success) and the unread notifications (primary subtle)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

APP_CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()

BACKGROUNDS = {
    "white": "#ffffff",
    "page (bg-body-tertiary)": "#f8f9fa",
    "table-danger": "#f8d7da",
    "table-warning": "#fff3cd",
    "table-success": "#d1e7dd",
    "unread (primary-bg-subtle)": "#cfe2ff",
}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: tuple[float, float, float], bg: tuple[float, float, float]) -> float:
    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(rgba: str, bg: tuple[int, int, int]) -> tuple[float, float, float]:
    r, g, b, a = (float(x) for x in re.findall(r"[\d.]+", rgba))
    return tuple(a * c + (1 - a) * under for c, under in zip((r, g, b), bg, strict=True))  # type: ignore[return-value]


def declared(selector_pattern: str, prop: str) -> str:
    """The value app.css gives ``prop`` in the rule whose selector matches ``selector_pattern``."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", APP_CSS):
        if re.search(selector_pattern, selectors):
            found = re.search(rf"{re.escape(prop)}\s*:\s*([^;]+);", body)
            if found:
                return found.group(1).strip()
    raise AssertionError(f"app.css sets no {prop} for {selector_pattern}")


def test_the_known_contrast_of_bootstraps_link_colour_fails_on_the_page():
    # the reason for the overrides: Bootstrap's #0d6efd on the page background is 4.26:1
    assert contrast(rgb("#0d6efd"), rgb("#f8f9fa")) == pytest.approx(4.26, abs=0.01)


@pytest.mark.parametrize(
    ("rule", "prop"),
    [
        (r":root", "--bs-link-color"),
        (r":root", "--bs-link-hover-color"),
        (r":root", "--bs-code-color"),
        (r":root", "--cbec-success-text"),
        (r":root", "--cbec-danger-text"),
        (r":root", "--bs-form-invalid-color"),
        (r"\.btn-outline-primary", "--bs-btn-color"),
        (r"\.btn-outline-secondary", "--bs-btn-color"),
        (r"\.btn-outline-warning", "--bs-btn-color"),
        (r"\.btn-outline-danger", "--bs-btn-color"),
        (r"\.btn-outline-success", "--bs-btn-color"),
    ],
)
def test_text_colours_reach_4_5_to_1_on_every_background(rule, prop):
    colour = rgb(declared(rule, prop))
    low = {name: round(contrast(colour, rgb(bg)), 2) for name, bg in BACKGROUNDS.items()}
    assert min(low.values()) >= 4.5, low


def test_secondary_and_tertiary_text_reach_4_5_to_1_on_every_background():
    tertiary = declared(r":root", "--bs-tertiary-color")
    secondary = "rgba(33, 37, 41, .75)"  # Bootstrap's, unchanged
    for colour in (tertiary, secondary):
        low = {name: round(contrast(blend(colour, rgb(bg)), rgb(bg)), 2) for name, bg in BACKGROUNDS.items()}
        assert min(low.values()) >= 4.5, (colour, low)


def test_focus_is_outlined_solid():
    assert re.search(r":focus-visible[^{]*\{[^}]*outline:\s*2px solid", APP_CSS)


#: Bootstrap 5.3's emphasis shades (light theme), which app.css gives yellow and cyan text
EMPHASIS = {"var(--bs-warning-text-emphasis)": "#664d03", "var(--bs-info-text-emphasis)": "#055160"}


@pytest.mark.parametrize("rule", [r"(?m)^\.text-warning $", r"(?m)^\.text-info $"])
def test_yellow_and_cyan_text_is_written_in_its_emphasis_shade(rule):
    value = declared(rule, "color").removesuffix("!important").strip()
    colour = rgb(EMPHASIS[value])
    low = {name: round(contrast(colour, rgb(bg)), 2) for name, bg in BACKGROUNDS.items()}
    assert min(low.values()) >= 4.5, low
