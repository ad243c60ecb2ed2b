"""Models of anticounterfeit (issue 12), split by concern: rights holders and leads; cases, their
assignments and documents; evidence, its custody log and exported packs. Every name is re-exported
here, so ``anticounterfeit.models.<Name>`` is the one path to them."""

from anticounterfeit.models.cases import (
    CaseAssignment,
    CaseAssignmentQuerySet,
    CaseDocument,
    CaseDocumentQuerySet,
    CaseSequence,
    CounterfeitCase,
    CounterfeitCaseQuerySet,
    case_document_upload_to,
)
from anticounterfeit.models.evidence import (
    CustodyEvent,
    CustodyEventQuerySet,
    Evidence,
    EvidencePack,
    EvidencePackQuerySet,
    EvidenceQuerySet,
    ImmutableError,
    evidence_upload_to,
    pack_upload_to,
)
from anticounterfeit.models.leads import CounterfeitLead, CounterfeitLeadQuerySet, RightsHolder, RightsHolderQuerySet

__all__ = [
    "CaseAssignment",
    "CaseAssignmentQuerySet",
    "CaseDocument",
    "CaseDocumentQuerySet",
    "CaseSequence",
    "CounterfeitCase",
    "CounterfeitCaseQuerySet",
    "CounterfeitLead",
    "CounterfeitLeadQuerySet",
    "CustodyEvent",
    "CustodyEventQuerySet",
    "Evidence",
    "EvidencePack",
    "EvidencePackQuerySet",
    "EvidenceQuerySet",
    "ImmutableError",
    "RightsHolder",
    "RightsHolderQuerySet",
    "case_document_upload_to",
    "evidence_upload_to",
    "pack_upload_to",
]
