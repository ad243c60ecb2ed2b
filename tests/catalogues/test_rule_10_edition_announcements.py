"""Rule 10: a catalogue edition announces its coming into force, once, for what is pending to be re-checked.

On ``catalogue_import``'s commit when it is effective today or earlier; otherwise by the daily task
``catalogues.announce_editions_in_force`` (celery beat) once its date has come.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from catalogues.models import CatalogueEdition
from catalogues.services import editions
from catalogues.tasks import announce_editions_in_force
from cbec_supervision import handovers
from cbec_supervision.models import AuditEvent

pytestmark = pytest.mark.django_db

CCC = "HS编码,名称,备注\n9503,玩具,CCC 儿童用品\n".encode()


def load(edition: str, effective: dt.date) -> CatalogueEdition:
    return editions.catalogue_import(
        actor="test",
        kind="compulsory_certification",
        edition=edition,
        effective_from=effective,
        content=CCC,
        filename="ccc.csv",
    )


def announcements(edition: CatalogueEdition) -> list[dict]:
    return [
        event.after
        for event in AuditEvent.objects.for_object(edition).filter(action="handover").order_by("id")
        if event.after.get("event") == handovers.CATALOGUE_EDITION_IN_FORCE
    ]


def test_rule_10_an_edition_in_force_on_loading_is_announced_once():
    edition = load("2026", timezone.localdate())
    [announced] = announcements(edition)
    assert announced["payload"] == {
        "edition_id": edition.pk,
        "kind": "compulsory_certification",
        "edition": "2026",
        "effective_from": timezone.localdate().isoformat(),
    }
    assert "filings.services.prohibited.catalogue_edition_in_force" in announced["receivers"]
    assert CatalogueEdition.objects.get(pk=edition.pk).announced_at is not None
    assert editions.editions_in_force_announce(actor="test") == []
    assert len(announcements(edition)) == 1


def test_rule_10_a_future_edition_is_announced_by_the_daily_task_on_its_date():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    edition = load("next", tomorrow)
    assert announcements(edition) == [] and edition.announced_at is None
    assert announce_editions_in_force.apply().get() == []  # not yet
    CatalogueEdition.objects.filter(pk=edition.pk).update(effective_from=timezone.localdate())  # the day came
    assert announce_editions_in_force.apply().get() == [edition.pk]
    assert len(announcements(edition)) == 1
    assert AuditEvent.objects.for_object(edition).filter(actor_label="task:catalogues.announce_editions_in_force")
    assert announce_editions_in_force.apply().get() == []  # once


def test_rule_10_an_edition_superseded_before_its_date_is_not_announced():
    newer = load("2026", timezone.localdate())
    older = load("2025", timezone.localdate() - dt.timedelta(days=30))
    assert len(announcements(newer)) == 1 and announcements(older) == []
    assert editions.editions_in_force_announce(actor="test") == []


def test_rule_10_the_shipped_editions_were_announced_when_loaded():
    assert not CatalogueEdition.objects.filter(announced_at__isnull=True).exists()


def test_rule_10_the_daily_announcement_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["announce-editions-in-force"]
    assert entry["task"] == "catalogues.announce_editions_in_force"
    assert entry["schedule"].hour == {0}
