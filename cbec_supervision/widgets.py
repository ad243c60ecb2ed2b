"""The type-ahead picker: a search box that asks a picker endpoint (htmx) and fills a hidden value.

Used for bureaus, enterprises and HS codes instead of free text or a ``<select>`` of every row. The
endpoint answers at most a few rows per keystroke from an indexed lookup (see each app's pickers).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

#: how many rows a picker endpoint answers per keystroke
PICKER_LIMIT = 20
#: the longest text a picker searches for (nobody types more to find a row)
PICKER_QUERY_LENGTH = 100


def row_id(value: Any) -> int | None:
    """``value`` as a database id (1 .. 2**63-1) when it is written in ASCII digits; None otherwise.

    ``str.isdigit`` alone accepts "²" and other Unicode digits that ``int`` and the database refuse.
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None


class PickerWidget(forms.Widget):
    """A hidden input holding the value (id or code) and a search box showing its label."""

    input_type = "picker"

    def __init__(
        self,
        url: Any,
        *,
        label_for: Callable[[str], str] | None = None,
        placeholder: Any = "",
        free_text: bool = False,
        attrs: dict | None = None,
    ):
        super().__init__(attrs)
        self.url = url
        self.label_for = label_for
        self.placeholder = placeholder
        #: the typed text is the value itself (an HS code may be typed in full without picking)
        self.free_text = free_text

    def format_value(self, value):
        if value is None or value == "":
            return ""
        return str(value)

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        final = self.build_attrs(self.attrs, attrs)
        label = ""
        if value:
            label = (self.label_for(value) if self.label_for else "") or value
        return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
            render_to_string(
                "includes/picker.html",
                {
                    "name": name,
                    "value": value,
                    "label": label,
                    "id": final.get("id") or f"id_{name}",
                    "url": str(self.url),
                    "placeholder": self.placeholder,
                    "free_text": self.free_text,
                    "invalid": "is-invalid" in final.get("class", ""),
                },
            )
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


def picker_query(request) -> str:
    """The text typed in a picker: without control characters (a NUL is refused by PostgreSQL), at most
    PICKER_QUERY_LENGTH characters (nobody types more to find a row)."""
    raw = (request.GET.get("q") or "")[: PICKER_QUERY_LENGTH * 4]
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw)
    return " ".join(text.split())[:PICKER_QUERY_LENGTH]


def picker_response(request, options: list[dict[str, Any]]):
    """The options as list items for htmx, or as JSON ``{"results": [{"value", "label", "detail"}]}``."""
    from django.http import JsonResponse
    from django.shortcuts import render

    options = options[:PICKER_LIMIT]
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [{"detail": "", **option} for option in options]})
    return render(request, "includes/picker_results.html", {"options": options, "query": picker_query(request)})
