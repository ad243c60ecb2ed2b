"""What every app's forms share: Bootstrap classes, and a service's refusal shown on the form.

A service refuses with ``ValidationError({field: [messages]})``; ``add_service_errors`` puts each
message on the form field of that name, or at the top of the form when no field has it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

_WIDGET_CLASSES = {
    forms.CheckboxInput: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "form-select form-select-sm",
    forms.HiddenInput: "",
}


class ServiceErrorsMixin:
    """Bootstrap classes on the widgets, and a service's ValidationError shown on the form."""

    #: service error key -> form field, where the names differ
    error_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "form-control form-control-sm")
            if css and "class" not in widget.attrs:
                widget.attrs["class"] = css

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            name = self.error_fields.get(key, key)
            self.add_error(name if name in self.fields else None, messages)
