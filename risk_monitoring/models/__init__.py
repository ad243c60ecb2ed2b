"""Risk monitoring's models, split by concern; every name is re-exported here, so
``risk_monitoring.models.<Name>`` (the path the app registry, the migrations and other apps use) is
unchanged. Each module imports the models it names (samplings name risk signals)."""

from risk_monitoring.models.sampling import (
    Lab,
    LabCheck,
    LabCheckQuerySet,
    LabQuerySet,
    Sampling,
    SamplingPlan,
    SamplingPlanItem,
    SamplingPlanItemQuerySet,
    SamplingPlanQuerySet,
    SamplingQuerySet,
    SamplingResult,
    SamplingResultQuerySet,
    SamplingSequence,
    results_text,
)
from risk_monitoring.models.scores import RiskScore, RiskScoreQuerySet, RiskScoreRun
from risk_monitoring.models.signals import (
    ConsumerComplaint,
    ConsumerComplaintQuerySet,
    OverseasImport,
    OverseasImportQuerySet,
    RiskSignal,
    RiskSignalQuerySet,
    SignalMatchProposal,
    SignalMatchProposalQuerySet,
    overseas_import_upload_to,
)

__all__ = [
    "ConsumerComplaint",
    "ConsumerComplaintQuerySet",
    "Lab",
    "LabCheck",
    "LabCheckQuerySet",
    "LabQuerySet",
    "OverseasImport",
    "OverseasImportQuerySet",
    "RiskScore",
    "RiskScoreQuerySet",
    "RiskScoreRun",
    "RiskSignal",
    "RiskSignalQuerySet",
    "Sampling",
    "SamplingPlan",
    "SamplingPlanItem",
    "SamplingPlanItemQuerySet",
    "SamplingPlanQuerySet",
    "SamplingQuerySet",
    "SamplingResult",
    "SamplingResultQuerySet",
    "SamplingSequence",
    "SignalMatchProposal",
    "SignalMatchProposalQuerySet",
    "overseas_import_upload_to",
    "results_text",
]
