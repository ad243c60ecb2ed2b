"""Every audit action is an ``AuditAction``: the code's own calls, and what ``audit_record`` accepts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from cbec_supervision.audit import audit_record
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import FILING_DECISIONS, TRANSITION_ACTIONS

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", "tests", "node_modules", "var", "locale", "static", "templates", "migrations"}


def _source_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py") if not SKIPPED & set(path.relative_to(ROOT).parts) and path.is_file()]


def _literal_actions(node: ast.expr) -> list[str] | None:
    """The action values an argument can take when written in the code; None when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_actions(node.body), _literal_actions(node.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction":
        return [getattr(AuditAction, node.attr).value] if hasattr(AuditAction, node.attr) else [node.attr]
    return None


def _audit_calls() -> list[tuple[str, int, ast.expr]]:
    found = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found.append((str(path.relative_to(ROOT)), node.lineno, keyword.value))
    return found


def test_the_walk_finds_the_services_audit_calls():
    places = {place for place, _line, _value in _audit_calls()}
    assert {"filings/services/changes.py", "filings/services/decisions.py", "accounts/services.py"} <= places


def test_every_action_written_in_the_code_is_an_audit_action():
    unknown = []
    for place, line, value in _audit_calls():
        for action in _literal_actions(value) or ():
            if action not in AuditAction.values:
                unknown.append(f"{place}:{line} {action!r}")
    assert not unknown, "add these to cbec_supervision.choices.AuditAction: " + ", ".join(unknown)


def test_the_tables_that_name_audit_actions_name_audit_actions():
    assert set(TRANSITION_ACTIONS.values()) <= set(AuditAction.values)
    assert {d.audit_action for d in FILING_DECISIONS.values()} <= set(AuditAction.values)


@pytest.mark.parametrize("action", AuditAction.values)
def test_every_audit_action_reads_as_words_in_both_languages(action):
    with translation.override("en"):
        english = str(AuditAction(action).label)
    assert english and english != action  # the timeline never shows the raw value
    with translation.override("zh-hans"):
        assert str(AuditAction(action).label)


@pytest.mark.django_db
def test_audit_record_refuses_an_action_that_is_not_an_audit_action(world):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="unknown audit action 'frobnicate'"):
        audit_record(actor=world.zj_inspector, action="frobnicate", obj=world.alice_co)
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_audit_record_takes_members_and_their_values_alike(world):
    member = audit_record(actor=world.zj_inspector, action=AuditAction.SUSPEND, obj=world.alice_co)
    value = audit_record(actor=world.zj_inspector, action="suspend", obj=world.alice_co)
    assert member.action == value.action == "suspend"
    assert type(AuditEvent.objects.get(pk=member.pk).action) is str


@pytest.mark.django_db
def test_a_withdrawn_change_request_reads_as_withdrew_on_the_timeline(world, approved_alice_co):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}, explanation="换人"
    )
    services.change_request_withdraw(actor=world.alice, request=change)
    assert AuditEvent.objects.for_object(change).order_by("-id").first().action == AuditAction.WITHDRAW
    from cbec_supervision.templatetags.cbec import history

    rows = history({}, change)["rows"]
    assert rows[0]["verb"] == AuditAction.WITHDRAW.label
