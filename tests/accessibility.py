"""What the accessibility tests read in a rendered page: its form controls, their labels and its ids.

A form control is labelled (WCAG 1.3.1, 4.1.2) by aria-label, aria-labelledby, a <label for> naming its
id, or a <label> around it; hidden inputs and buttons need none. Rows kept in a <template> are read too:
the rows the "Add line" button copies must be labelled as well.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    wrapped: bool  # inside a <label>

    @property
    def name(self) -> str:
        return self.attrs.get("name") or self.attrs.get("id") or self.tag


@dataclass
class Page(HTMLParser):
    controls: list[Control] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # for -> text
    ids: Counter = field(default_factory=Counter)
    nested_links: list[str] = field(default_factory=list)  # a link inside a link: the browser splits it
    _links: list[str] = field(default_factory=list)
    _label_for: list[str | None] = field(default_factory=list)
    _label_text: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids[a["id"]] += 1
        if tag == "a":
            if self._links:
                self.nested_links.append(a.get("href", ""))
            self._links.append(a.get("href", ""))
        elif tag == "label":
            self._label_for.append(a.get("for"))
            self._label_text.append([])
        elif tag in ("input", "select", "textarea") and a.get("type", "text") not in UNLABELLED_TYPES:
            self.controls.append(Control(tag, a, wrapped=bool(self._label_for)))

    def handle_data(self, data):
        for text in self._label_text:
            text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._links:
            self._links.pop()
        if tag == "label" and self._label_for:
            target, text = self._label_for.pop(), self._label_text.pop()
            if target:
                self.labels[target] = " ".join("".join(text).split())

    def label_of(self, control: Control) -> str:
        a = control.attrs
        return a.get("aria-label") or self.labels.get(a.get("id", ""), "") or ("(wrapped)" if control.wrapped else "")

    def unlabelled(self) -> list[str]:
        return [c.name for c in self.controls if not self.label_of(c) and not c.attrs.get("aria-labelledby")]

    def duplicate_ids(self) -> list[str]:
        return [i for i, n in self.ids.items() if n > 1]


def read(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page
