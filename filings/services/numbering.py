"""Filing numbers: bureau code + year + sequence, unique and never reused."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Bureau
from filings.choices import SequenceKind
from filings.models import FilingSequence

_FORMATS = {
    SequenceKind.ENTERPRISE: "{code}{year}{seq:06d}",
    SequenceKind.PRODUCT: "{code}{year}P{seq:07d}",
    SequenceKind.IMPORT_BATCH: "{code}{year}I{seq:07d}",
}


@transaction.atomic
def filing_number_issue(*, bureau: Bureau, kind: SequenceKind) -> str:
    """The next number of ``kind`` for ``bureau`` this year (Asia/Shanghai). Locks the sequence row."""
    year = timezone.localdate().year
    FilingSequence.objects.get_or_create(bureau=bureau, year=year, kind=kind)
    sequence = FilingSequence.objects.select_for_update().get(bureau=bureau, year=year, kind=kind)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return _FORMATS[kind].format(code=bureau.code, year=year, seq=sequence.last)
