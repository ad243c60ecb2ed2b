"""API routes of anticounterfeit, collected by ``cbec_supervision.api_urls``."""

from anticounterfeit.api.cases import CounterfeitCaseViewSet
from anticounterfeit.api.leads import CounterfeitLeadViewSet, RightsHolderViewSet

ROUTES = [
    ("counterfeit-leads", CounterfeitLeadViewSet, "counterfeit-lead"),
    ("counterfeit-cases", CounterfeitCaseViewSet, "counterfeit-case"),
    ("rights-holders", RightsHolderViewSet, "rights-holder"),
]
