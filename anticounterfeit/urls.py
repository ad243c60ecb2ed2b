"""Pages of anticounterfeit: leads and rights holders, cases, evidence (each part in its own module)."""

from anticounterfeit.urls_cases import urlpatterns as case_patterns
from anticounterfeit.urls_evidence import urlpatterns as evidence_patterns
from anticounterfeit.urls_leads import urlpatterns as lead_patterns

app_name = "anticounterfeit"
urlpatterns = [*lead_patterns, *case_patterns, *evidence_patterns]
