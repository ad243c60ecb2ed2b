"""Reads other apps build on: whether a partner confirmed an operator, and a partner's sellers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from filings.models import EnterpriseFiling
from partnerships.choices import PARTNER_FLAGS, PartnershipKind, PartnershipStatus
from partnerships.models import Partnership


def partner_confirmed(*, operator: EnterpriseFiling, partner: EnterpriseFiling, kind: str) -> bool:
    """Whether ``partner`` (a platform, or a warehouse) has confirmed ``operator`` and not suspended it.

    An enterprise that is itself the platform (or the warehouse) needs no partnership with itself:
    True when ``partner`` is ``operator`` and it carries the type the kind needs.
    """
    if kind not in PARTNER_FLAGS:
        return False
    if partner.pk == operator.pk:
        return bool(getattr(operator, PARTNER_FLAGS[kind]))
    return Partnership.objects.filter(operator_id=operator.pk, partner_id=partner.pk, kind=kind).confirmed().exists()


def confirmed_sellers(
    partner: EnterpriseFiling | int, kind: str = PartnershipKind.PLATFORM
) -> QuerySet[EnterpriseFiling]:
    """The operators ``partner`` has confirmed (the sellers of a platform, the clients of a warehouse).

    An ``EXISTS`` over the partnerships, so the filings are not multiplied; not scoped: narrow it
    with ``visible_to`` where a reader is at hand.
    """
    partner_id = partner.pk if isinstance(partner, EnterpriseFiling) else partner
    confirmed = Partnership.objects.filter(
        operator=OuterRef("pk"), partner_id=partner_id, kind=kind, status=PartnershipStatus.CONFIRMED
    )
    return EnterpriseFiling.objects.filter(Exists(confirmed))
