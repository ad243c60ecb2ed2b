"""The columns of the risk-signal list."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn, StatusColumn
from filings.choices import ProductSubcategory
from risk_monitoring.choices import ScoreSubject
from risk_monitoring.models import Lab, RiskScore, RiskSignal, Sampling, SamplingPlan


def score_url(score: RiskScore) -> str:
    return reverse("risk_monitoring:score_detail", args=[score.subject_type, score.subject_id])


def subject_name(score: RiskScore) -> str:
    """The enterprise's or product's name (fetched with the score), or the sub-category's label."""
    if score.subject_type == ScoreSubject.ENTERPRISE and score.enterprise is not None:
        return score.enterprise.name
    if score.subject_type == ScoreSubject.PRODUCT and score.product is not None:
        return score.product.name
    if score.subject_type == ScoreSubject.SUBCATEGORY:
        return str(dict(ProductSubcategory.choices).get(score.subject_id, score.subject_id))
    return score.subject_id


class RiskSignalTable(BaseTable):
    export_name = "risk-signals"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    source = tables.Column(verbose_name=_("Source"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    hazard = tables.Column(verbose_name=_("Hazard"), orderable=True)
    severity = tables.Column(verbose_name=_("Severity"), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Received"), orderable=True)

    class Meta(BaseTable.Meta):
        model = RiskSignal
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "signal-table"}
        row_attrs = {"data-testid": "signal-row"}
        empty_text = _("No risk signals match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "enterprise", "source")
        super().__init__(*args, **kwargs)

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_severity(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.severity_colour, record.get_severity_display()
        )


class SamplingPlanTable(BaseTable):
    """The columns of the sampling-plan list (the queryset annotates ``item_count`` and ``sampled_count``)."""

    export_name = "sampling-plans"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    month = tables.Column(verbose_name=_("Month"), orderable=True)
    bureau = tables.Column(verbose_name=_("Bureau"), order_by=("bureau__code",), orderable=True)
    item_count = tables.Column(verbose_name=_("Goods"), orderable=True)
    sampled_count = tables.Column(verbose_name=_("Sampled"), orderable=True)
    random_share = tables.Column(verbose_name=_("Random share"), orderable=False)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Generated"), orderable=True)

    class Meta(BaseTable.Meta):
        model = SamplingPlan
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "plan-table"}
        row_attrs = {"data-testid": "plan-row"}
        empty_text = _("No sampling plans match these filters.")

    def render_month(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_bureau(self, record, value):
        return record.bureau.name

    def render_random_share(self, record, value):
        return f"{value * 100:.0f}%"


class SamplingTable(BaseTable):
    export_name = "samplings"

    sampling_no = tables.Column(verbose_name=_("Sampling number"), orderable=True)
    channel = tables.Column(verbose_name=_("Channel"), orderable=True)
    product = tables.Column(verbose_name=_("Product"), order_by=("product__name",), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    lab = tables.Column(verbose_name=_("Laboratory"), default="-")
    bureau = tables.Column(verbose_name=_("Sampling bureau"), accessor="bureau__name")
    sampled_at = DateTimeColumn(verbose_name=_("Sampled at"), orderable=True, default="-")
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    verdict = StatusColumn(verbose_name=_("Verdict"), orderable=True)

    class Meta(BaseTable.Meta):
        model = Sampling
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "sampling-table"}
        row_attrs = {"data-testid": "sampling-row"}
        empty_text = _("No samplings match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "bureau")
        super().__init__(*args, **kwargs)

    def render_sampling_no(self, record, value):
        return format_html('<a href="{}" class="font-monospace">{}</a>', record.get_absolute_url(), value)

    def value_sampling_no(self, record, value):
        return value

    def render_product(self, record, value):
        return value.name

    def render_enterprise(self, record, value):
        return value.name


class LabTable(BaseTable):
    export_name = "labs"

    name = tables.Column(verbose_name=_("Laboratory"), orderable=True)
    accreditation = tables.Column(verbose_name=_("Accreditation number"))
    accepted_count = tables.Column(verbose_name=_("Reports accepted"), orderable=True)
    verified = tables.Column(verbose_name=_("Reports verified"), empty_values=())
    inconsistent_count = tables.Column(verbose_name=_("Inconsistent"), orderable=True)
    trust = tables.Column(verbose_name=_("Trust"), empty_values=())

    class Meta(BaseTable.Meta):
        model = Lab
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "lab-table"}
        row_attrs = {"data-testid": "lab-row"}
        empty_text = _("No laboratories match these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_name(self, record, value):
        return value

    def render_verified(self, record):
        return record.consistent_count + record.inconsistent_count

    def value_verified(self, record):
        return record.consistent_count + record.inconsistent_count

    def render_trust(self, record):
        if record.verify_only:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("Verify only"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("Reports may be accepted"))

    def value_trust(self, record):
        return str(_("Verify only") if record.verify_only else _("Reports may be accepted"))


class RiskScoreTable(BaseTable):
    """Current risk scores, the riskiest first: the subject links to its explained score."""

    export_name = "risk-scores"

    subject = tables.Column(verbose_name=_("Subject"), accessor="subject_id", orderable=False)
    subject_type = tables.Column(verbose_name=_("Type"), orderable=True)
    score = tables.Column(verbose_name=_("Score"), orderable=True)
    level = tables.Column(verbose_name=_("Level"), orderable=True)
    computed_at = DateTimeColumn(verbose_name=_("Computed at"), orderable=True)

    class Meta(BaseTable.Meta):
        model = RiskScore
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "score-table"}
        row_attrs = {"data-testid": "score-row"}
        empty_text = _("No risk scores match these filters.")

    def render_subject(self, record, value):
        return format_html('<a href="{}">{}</a>', score_url(record), subject_name(record))

    def render_score(self, record, value):
        return int(value)

    def render_level(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.level_colour, record.get_level_display())
