"""The columns of the partnerships list."""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn, StatusColumn
from filings.choices import FILING_STATUS_COLOURS
from partnerships.choices import PARTNERSHIP_ACTION_STYLES, PARTNERSHIP_ACTIONS, PartnershipAction
from partnerships.models import Partnership
from partnerships.services import available_actions


class FilingStatusColumn(tables.Column):
    """The status of an enterprise's filing (``accessor``: the enterprise), as its badge."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            FILING_STATUS_COLOURS.get(value.status, "secondary"),
            value.get_status_display(),
        )

    def value(self, value):
        return str(value.get_status_display())


class ActionsColumn(tables.Column):
    """The buttons of the actions the reader may take on the row (``services.available_actions``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def render(self, record, table):
        request = getattr(table, "request", None)
        user = getattr(request, "user", None)
        actions = [
            {
                "name": name,
                "label": PartnershipAction(name).label,
                "colour": PARTNERSHIP_ACTION_STYLES[name][0],
                "icon": PARTNERSHIP_ACTION_STYLES[name][1],
                "needs_reason": PARTNERSHIP_ACTIONS[name][2],
            }
            for name in (available_actions(user, record) if user is not None else [])
        ]
        if not actions:
            return ""
        # No ``request=``: the context processors (the navigation, its unread count) would run per row.
        context = {"row": record, "actions": actions, "csrf_token": get_token(request) if request else ""}
        return render_to_string("partnerships/includes/actions.html", context)


class PartnershipTable(BaseTable):
    export_name = "partnerships"

    operator = tables.Column(verbose_name=_("Operator"), order_by=("operator__name",), orderable=True)
    operator_status = FilingStatusColumn(accessor="operator", verbose_name=_("Operator's filing"), orderable=False)
    kind = tables.Column(verbose_name=_("Kind"), orderable=True)
    partner = tables.Column(verbose_name=_("Platform or warehouse"), order_by=("partner__name",), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    requested_at = DateTimeColumn(verbose_name=_("Requested"), orderable=True)
    decided_at = DateTimeColumn(verbose_name=_("Decided"), orderable=True)
    reason = tables.Column(verbose_name=_("Reason"), visible=False)
    actions = ActionsColumn(verbose_name=_("Actions"))

    class Meta(BaseTable.Meta):
        model = Partnership
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "partnership-table"}
        row_attrs = {"data-testid": "partnership-row"}
        empty_text = _("No partnerships match these filters.")

    def __init__(self, *args, for_staff: bool = False, **kwargs):
        if for_staff:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "actions")
        super().__init__(*args, **kwargs)
