"""Who made a change, as people read it: a person by name, the system's own work by what it was.

Services record non-person actors as ``kind:name`` labels (``command:seed_demo``, ``signup:<username>``,
``task:<task name>``); pages show these words instead of the codes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: commands that write through services, by name
COMMANDS = {
    "seed_demo": _("System (demo data)"),
    "load_reference_data": _("System (reference data)"),
    "import_catalogue": _("System (catalogue import)"),
    "create_account": _("System (account set up by an administrator)"),
    "bench": _("System (benchmark)"),
}
KINDS = {
    "command": _("System (command line)"),
    "signup": _("Self-registration"),
    "task": _("System task"),
    "public": _("Public complaint form"),
}


def person_name(user: Any) -> str:
    """A user as people read them: the full name, or the username when there is none."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def actor_display(label: str, user: Any = None) -> str:
    """The actor of an audit event (or a ``loaded_by`` label) in words, never a code."""
    if user is not None:
        return person_name(user)
    kind, sep, name = (label or "").partition(":")
    if not sep:
        return str(_("System")) if label in ("", "system") else label
    if kind == "command" and name in COMMANDS:
        return str(COMMANDS[name])
    return str(KINDS.get(kind, label))
