"""Values of risk monitoring: where a signal comes from, the hazard, its severity and its triage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignalSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    COMPLAINT = "complaint", _("Complaint")
    ENTERPRISE_REPORT = "enterprise_report", _("Enterprise report")
    OVERSEAS_NOTIFICATION = "overseas_notification", _("Overseas notification")
    SAMPLING = "sampling", _("Sampling")


#: the sources bureau staff enter; an enterprise reports its own risks (``enterprise_report``) only
STAFF_SOURCES = tuple(source for source in SignalSource if source != SignalSource.ENTERPRISE_REPORT)


class Hazard(models.TextChoices):
    CHEMICAL = "chemical", _("Chemical")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    FIRE = "fire", _("Fire or burns")
    CHOKING = "choking", _("Choking")
    STRANGULATION = "strangulation", _("Strangulation")
    INJURY = "injury", _("Injury")
    LABELLING = "labelling", _("Labelling")
    MICROBIOLOGICAL = "microbiological", _("Microbiological")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_COLOURS = {Severity.HIGH: "danger", Severity.MEDIUM: "warning", Severity.LOW: "info"}


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSED = "assessed", _("Assessed")
    HANDED_OVER = "handed_over", _("Handed over to an investigation")
    CLOSED = "closed", _("Closed")


#: status -> statuses it may move to: triage assesses a new signal, then hands it to an
#: investigation or closes it with no action; a new signal may be closed at once (a duplicate)
SIGNAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SignalStatus.NEW: (SignalStatus.ASSESSED, SignalStatus.CLOSED),
    SignalStatus.ASSESSED: (SignalStatus.HANDED_OVER, SignalStatus.CLOSED),
    SignalStatus.HANDED_OVER: (),
    SignalStatus.CLOSED: (),
}

#: the statuses of a signal still in a bureau's queue (and that a new refused line joins)
SIGNAL_OPEN = (SignalStatus.NEW, SignalStatus.ASSESSED)

SIGNAL_STATUS_COLOURS = {
    SignalStatus.NEW: "primary",
    SignalStatus.ASSESSED: "warning",
    SignalStatus.HANDED_OVER: "info",
    SignalStatus.CLOSED: "secondary",
}
