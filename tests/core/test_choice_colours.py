"""Choice colours live with the choices (``<app>/choices.py``), one colour for every choice."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from filings.choices import (
    CHANGE_REQUEST_COLOURS,
    FILING_STATUS_COLOURS,
    TEST_VERDICT_COLOURS,
    ChangeRequestStatus,
    FilingStatus,
)
from filings.choices import (
    TestVerdict as Verdict,
)
from filings.models import ProductTestReport
from imports.choices import (
    BATCH_STATUS_COLOURS,
    CONFIRMATION_COLOURS,
    VERIFICATION_COLOURS,
    VERIFICATION_LABELS,
    BatchStatus,
    Confirmation,
    VerificationStatus,
)

ROOT = Path(settings.BASE_DIR)
BOOTSTRAP = {"primary", "secondary", "success", "danger", "warning", "info", "light", "dark"}


@pytest.mark.parametrize(
    ("choices", "colours"),
    [
        (FilingStatus, FILING_STATUS_COLOURS),
        (ChangeRequestStatus, CHANGE_REQUEST_COLOURS),
        (Verdict, TEST_VERDICT_COLOURS),
        (BatchStatus, BATCH_STATUS_COLOURS),
        (Confirmation, CONFIRMATION_COLOURS),
        (VerificationStatus, VERIFICATION_COLOURS),
    ],
)
def test_every_choice_has_a_bootstrap_colour(choices, colours):
    assert set(colours) == set(choices.values)
    assert set(colours.values()) <= BOOTSTRAP


def test_every_verification_status_has_its_page_label():
    assert set(VERIFICATION_LABELS) == set(VerificationStatus.values)


def test_a_test_report_badge_takes_its_colour_from_the_choices():
    assert ProductTestReport(verdict=Verdict.FAIL).verdict_colour == "danger"
    assert ProductTestReport(verdict=Verdict.PASS).verdict_colour == "success"


def _view_modules() -> list[Path]:
    found = []
    for app in ROOT.iterdir():
        if not (app / "apps.py").exists():
            continue
        found += list(app.glob("views.py")) + list(app.glob("views/*.py")) + list(app.glob("templatetags/*.py"))
    return found


def test_no_view_module_or_template_tag_keeps_a_colour_map():
    modules = _view_modules()
    assert any(path.match("imports/views/common.py") for path in modules)
    offenders = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Name) and ("COLOUR" in target.id or "COLOR" in target.id):
                    offenders.append(f"{path.relative_to(ROOT)}: {target.id}")
    assert not offenders, "move these to the app's choices.py: " + ", ".join(offenders)
