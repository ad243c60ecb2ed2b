"""Models of traceability, split by concern: inter-bureau notices (issue 10); investigations and
their measures (issue 11); escalation to strict supervision; consumer risk notices. Every name is
re-exported here, so ``traceability.models.<Name>`` (the path the app registry, the migrations and
other apps use) is unchanged. Each module imports the models it names (investigations)."""

from traceability.models.consumer_notices import (
    ConsumerNotice,
    ConsumerNoticeQuerySet,
    consumer_notice_image_upload_to,
)
from traceability.models.escalation import StrictSupervisionProposal, StrictSupervisionProposalQuerySet
from traceability.models.investigations import (
    Investigation,
    InvestigationEvent,
    InvestigationEventQuerySet,
    InvestigationQuerySet,
    InvestigationSequence,
)
from traceability.models.measures import (
    DelistingConfirmation,
    DelistingConfirmationQuerySet,
    Measure,
    MeasureQuerySet,
    RecallProgress,
    RecallProgressQuerySet,
)
from traceability.models.notices import InterBureauNotice, InterBureauNoticeQuerySet

__all__ = [
    "ConsumerNotice",
    "ConsumerNoticeQuerySet",
    "DelistingConfirmation",
    "DelistingConfirmationQuerySet",
    "InterBureauNotice",
    "InterBureauNoticeQuerySet",
    "Investigation",
    "InvestigationEvent",
    "InvestigationEventQuerySet",
    "InvestigationQuerySet",
    "InvestigationSequence",
    "Measure",
    "MeasureQuerySet",
    "RecallProgress",
    "RecallProgressQuerySet",
    "StrictSupervisionProposal",
    "StrictSupervisionProposalQuerySet",
    "consumer_notice_image_upload_to",
]
