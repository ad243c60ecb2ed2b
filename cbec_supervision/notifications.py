"""In-app notifications: what each kind says, and the service that sends them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import Notification

# kind -> (title, body); both are formatted with the notification's params when shown.
TEXTS: dict[str, tuple[str, str]] = {
    "enterprise_approved": (
        _("Enterprise filing approved"),
        _("The filing of %(name)s was approved. Filing number: %(filing_no)s."),
    ),
    "enterprise_returned": (
        _("Enterprise filing returned for correction"),
        _("The filing of %(name)s was returned: %(reason)s"),
    ),
    "enterprise_rejected": (_("Enterprise filing rejected"), _("The filing of %(name)s was rejected: %(reason)s")),
    "enterprise_suspended": (_("Enterprise filing suspended"), _("The filing of %(name)s is suspended: %(reason)s")),
    "enterprise_reinstated": (_("Enterprise filing reinstated"), _("The filing of %(name)s is in force again.")),
    "enterprise_revoked": (_("Enterprise filing revoked"), _("The filing of %(name)s was revoked: %(reason)s")),
    "enterprise_bureau_changed": (
        _("Competent bureau changed"),
        _("%(name)s is now under %(bureau)s: %(reason)s"),
    ),
    "enterprise_strict_supervision": (
        _("Placed under strict supervision"),
        _("%(name)s is under strict supervision: every batch it declares is verified on site. Reason: %(reason)s"),
    ),
    "enterprise_strict_supervision_lifted": (
        _("Strict supervision lifted"),
        _("%(name)s is no longer under strict supervision: %(reason)s"),
    ),
    "product_approved": (
        _("Product filing approved"),
        _("The filing of %(name)s was approved. Filing number: %(filing_no)s."),
    ),
    "product_prohibited_flagged": (
        _("Approved product now prohibited"),
        _(
            "A catalogue edition now in force puts %(name)s (%(filing_no)s) in tier 1: suspend its filing. "
            "Entries: %(entries)s"
        ),
    ),
    "product_returned": (_("Product filing returned for correction"), _("%(name)s was returned: %(reason)s")),
    "product_rejected": (_("Product filing rejected"), _("%(name)s was rejected: %(reason)s")),
    "product_suspended": (_("Product filing suspended"), _("%(name)s is suspended: %(reason)s")),
    "product_reinstated": (_("Product filing reinstated"), _("%(name)s is in force again.")),
    "product_revoked": (_("Product filing revoked"), _("%(name)s was revoked: %(reason)s")),
    "batch_released": (
        _("Import batch released"),
        _("Batch %(batch_no)s passed on-site verification and is released."),
    ),
    "batch_refused": (_("Import batch refused entry"), _("Batch %(batch_no)s is refused entry: %(reason)s")),
    "batch_lines_released": (
        _("Import batch: lines released"),
        _("Batch %(batch_no)s: the lines verified on site are released; its prohibited lines stay refused."),
    ),
    "batch_lines_refused": (
        _("Import batch: lines refused entry"),
        _("Lines of batch %(batch_no)s are refused entry: %(reason)s"),
    ),
    "partnership_requested": (
        _("Partnership requested"),
        _("%(operator)s asks %(partner)s to confirm their partnership."),
    ),
    "partnership_confirmed": (
        _("Partnership confirmed"),
        _("%(partner)s confirmed %(operator)s: its batches may name %(partner)s."),
    ),
    "partnership_refused": (_("Partnership refused"), _("%(partner)s refused %(operator)s: %(reason)s")),
    "partnership_suspended": (
        _("Partnership suspended"),
        _("%(partner)s suspended its partnership with %(operator)s: %(reason)s"),
    ),
    "partnership_reinstated": (
        _("Partnership reinstated"),
        _("%(partner)s reinstated its partnership with %(operator)s."),
    ),
    "partnership_withdrawn": (
        _("Partnership request withdrawn"),
        _("%(operator)s withdrew its request to %(partner)s."),
    ),
    "change_approved": (_("Change request approved"), _("Your changes to %(name)s are now in force.")),
    "change_rejected": (_("Change request rejected"), _("Your changes to %(name)s were rejected: %(reason)s")),
    "notice_received": (
        _("Notice from another bureau"),
        _("%(from_bureau)s sent your bureau a notice: %(subject)s. Acknowledge it by %(due)s."),
    ),
    "notice_acknowledged": (
        _("Notice acknowledged"),
        _("%(to_bureau)s acknowledged your notice: %(subject)s."),
    ),
    "investigation_major": (
        _("Major case reported: %(case_no)s"),
        _("%(lead_bureau)s reports investigation %(case_no)s (%(title)s) as a major case: %(reason)s"),
    ),
    "notice_overdue": (
        _("Inter-bureau notice overdue"),
        _("The notice from %(from_bureau)s to %(to_bureau)s was not acknowledged by %(due)s: %(subject)s."),
    ),
    "strict_supervision_proposed": (
        _("Proposed for strict supervision"),
        _(
            "%(name)s had confirmed quality problems in %(count)s closed investigations within %(days)s days: "
            "confirm strict supervision or dismiss the proposal."
        ),
    ),
    "consumer_notice_submitted": (
        _("Consumer risk notice to review"),
        _("%(enterprise)s submitted a consumer risk notice for review: %(title)s"),
    ),
    "consumer_notice_published": (
        _("Consumer risk notice published"),
        _("Your consumer risk notice is published: %(title)s"),
    ),
    "consumer_notice_returned": (
        _("Consumer risk notice returned"),
        _("Your consumer risk notice was returned: %(title)s. Reason: %(reason)s"),
    ),
    "measure_issued": (
        _("Measure ordered"),
        _("A measure was ordered to %(enterprise)s: %(type)s #%(id)s, due by %(deadline)s."),
    ),
    "measure_completed": (
        _("Measure completed: proof to verify"),
        _("%(enterprise)s completed %(type)s #%(id)s and submitted its proof."),
    ),
    "measure_verified": (_("Measure verified"), _("%(type)s #%(id)s of %(enterprise)s was verified.")),
    "measure_rejected": (
        _("Measure sent back"),
        _("The proof of %(type)s #%(id)s was not accepted: %(reason)s"),
    ),
    "measure_overdue": (
        _("Measure overdue"),
        _("%(type)s #%(id)s of %(enterprise)s was not completed by its deadline, %(deadline)s."),
    ),
    "recall_low_recovery": (
        _("Recall below the required recovery rate"),
        _("Recall #%(id)s of %(enterprise)s recovered %(rate)s by its deadline; %(required)s is required."),
    ),
    "voluntary_recall_opened": (
        _("Voluntary recall to review"),
        _("%(enterprise)s opened a voluntary recall (#%(id)s): review it."),
    ),
    "voluntary_recall_accepted": (
        _("Voluntary recall accepted"),
        _("The bureau accepted voluntary recall #%(id)s: report its progress until it is completed."),
    ),
    "voluntary_recall_returned": (
        _("Voluntary recall returned"),
        _("The bureau returned voluntary recall #%(id)s: %(reason)s"),
    ),
}


class _Defaults(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render_title(kind: str, params: dict) -> str:
    title = TEXTS.get(kind, (kind, ""))[0]
    return str(title) % _Defaults(params or {}) if "%(" in str(title) else str(title)


def render_body(kind: str, params: dict) -> str:
    body = TEXTS.get(kind, ("", ""))[1]
    return str(body) % _Defaults(params or {})


@transaction.atomic
def notify(*, recipients: Iterable, kind: str, params: dict | None = None, url: str = "") -> list[Notification]:
    """Put one notification in each recipient's inbox."""
    if kind not in TEXTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    rows = [Notification(recipient=user, kind=kind, params=params or {}, url=url) for user in recipients]
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.visible_to(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
