"""What an inter-bureau notice may be about: a registry of object types.

A notice names its object as ``object_type`` (a short stable word, the API's value) and ``object_id``.
Each type maps to a model whose ``objects.visible_to(user)`` decides who may name it, and a label.
Risk monitoring's signals are registered by this app (``risk_signal``); the traceability
investigations of issue 11 add ``investigation`` the same way, from ``AppConfig.ready``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class NoticeObjectType:
    #: the value stored and shown by the API (``risk_signal``)
    name: str
    #: "app_label.ModelName" of the rows it names
    model: str
    label: str | Promise
    #: URL name of the object's detail page, taking its pk ("" for none)
    url_name: str = ""

    def url(self, object_id: int) -> str:
        return reverse(self.url_name, args=[object_id]) if self.url_name else ""

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


_TYPES: dict[str, NoticeObjectType] = {}


def register(name: str, model: str, label: str | Promise, url_name: str = "") -> None:
    """Let notices name rows of ``model`` as ``name`` (a second call with the same name replaces the first)."""
    _TYPES[name] = NoticeObjectType(name=name, model=model, label=label, url_name=url_name)


def get(name: str) -> NoticeObjectType | None:
    return _TYPES.get(name)


def names() -> list[str]:
    return list(_TYPES)


def choices() -> list[tuple[str, str | Promise]]:
    return [(entry.name, entry.label) for entry in _TYPES.values()]


def type_of(obj: models.Model) -> str | None:
    """The registered name of ``obj``'s model, or None."""
    label = obj._meta.label_lower
    return next((entry.name for entry in _TYPES.values() if entry.model.lower() == label), None)


def resolve(name: str, object_id: int, user: User | None = None) -> Any:
    """The object, among those ``user`` may see (any when ``user`` is None); None when there is none."""
    entry = _TYPES.get(name)
    if entry is None:
        return None
    manager: Any = entry.model_class._default_manager
    rows = manager.visible_to(user) if user is not None else manager.all()
    return rows.filter(pk=object_id).first()
