"""Refused lines raise risk signals: the receiver of ``handovers.ITEMS_REFUSED`` (synchronous).

Each refused line raises an ``inspection`` signal on its product and operator, or joins the one
still open (new or assessed) on the same product and operator (a line without a product: on the
operator alone), whose ``occurrences`` it counts. It runs in the declaring (or verifying)
transaction: the signal commits with the refusal or not at all, and if it fails the refusal fails.
The port bureau that refused the line reports the signal; the operator's bureau triages it. The
operator's and the products' risk scores are recomputed once the transaction commits (debounced,
``services.score_events.risk_scores_schedule``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import Bureau, User
from catalogues.choices import CatalogueKind
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.handovers import Announcement
from filings.models import EnterpriseFiling
from imports.models import ImportItem
from risk_monitoring.choices import SIGNAL_OPEN, Hazard, SignalSource
from risk_monitoring.models import RiskSignal
from risk_monitoring.services.score_events import risk_scores_schedule

#: the catalogues whose entries make a refused line a chemical hazard
_CHEMICAL_CATALOGUES = {
    CatalogueKind.HAZARDOUS_CHEMICALS,
    CatalogueKind.PRECURSOR_CHEMICALS,
    CatalogueKind.RESTRICTED_TOXIC,
    CatalogueKind.DANGEROUS_GOODS,
}


def _hazard(reasons: list[dict[str, Any]]) -> str:
    if any(reason.get("catalogue") in _CHEMICAL_CATALOGUES for reason in reasons):
        return Hazard.CHEMICAL
    return Hazard.OTHER


def _actor(announcement: Announcement) -> Actor:
    if announcement.actor_id is not None:
        user: User | None = User.objects.filter(pk=announcement.actor_id).first()
        if user is not None:
            return user
    label: str = announcement.actor_label or "handover:" + announcement.event
    return label


def risk_signal_from_refusal(announcement: Announcement) -> list[RiskSignal]:
    """Raise or join one ``inspection`` signal per refused line of the announcement (see the module)."""
    payload = announcement.payload
    actor = _actor(announcement)
    enterprise = EnterpriseFiling.objects.select_related("bureau").get(pk=payload["enterprise"])
    port = Bureau.objects.filter(code=payload.get("port_bureau")).first()
    ids = [line["id"] for line in payload["items"]]
    items = ImportItem.objects.filter(pk__in=ids).select_related("product").order_by("line_no")
    touched: list[RiskSignal] = []
    for item in items:
        product = item.product
        line = {"batch": payload["batch_no"], "line_no": item.line_no, "stage": payload.get("stage", "")}
        signal = (
            RiskSignal.objects.select_for_update()
            .filter(
                source=SignalSource.INSPECTION,
                enterprise=enterprise,
                product=product,
                status__in=SIGNAL_OPEN,
                duplicate_of__isnull=True,
            )
            .order_by("created_at", "id")
            .first()
        )
        if signal is not None:
            before = snapshot(signal)
            RiskSignal.objects.filter(pk=signal.pk).update(occurrences=F("occurrences") + 1)
            signal.refresh_from_db()
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=signal,
                before=before,
                after={**snapshot(signal), "refused_line": line},
                reason=_("Goods refused again at the port."),
            )
            touched.append(signal)
            continue
        name = product.name if product is not None else item.description
        signal = RiskSignal.objects.create(
            source=SignalSource.INSPECTION,
            title=_("Refused at the port: %(goods)s") % {"goods": name or item.hs_code},
            description=_("Line %(line)s of import batch %(batch)s was refused as prohibited goods (HS %(hs)s).")
            % {"line": item.line_no, "batch": payload["batch_no"], "hs": item.hs_code or "-"},
            enterprise=enterprise,
            product=product,
            category=product.category if product is not None else "",
            subcategory=product.subcategory if product is not None else "",
            hazard=_hazard(item.reasons),
            gtin=product.gtin if product is not None else "",
            brand=product.brand if product is not None else "",
            model=product.model if product is not None else "",
            origin_country=item.origin_country,
            reported_by=port,
            reported_by_user=actor if isinstance(actor, User) and actor.is_bureau_staff else None,
            competent_bureau=enterprise.bureau,
        )
        if product is not None:
            signal.products.add(product)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=signal,
            after={**snapshot(signal), "refused_line": line},
        )
        touched.append(signal)
    # The refused lines count in the tier of its goods, the signals in the severity of its failures.
    risk_scores_schedule(enterprise_ids=[enterprise.pk], product_ids=[i.product_id for i in items if i.product_id])
    return touched
