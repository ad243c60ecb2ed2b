"""Model permissions granted to each role's group. Later issues extend these lists."""

from __future__ import annotations

from accounts.choices import Role

_READ_REFERENCE = [
    "accounts.view_bureau",
    "accounts.view_bureauregion",
    "catalogues.view_hscode",
    # Catalogues are public rules: every role reads every edition and its entries.
    "catalogues.view_catalogueedition",
    "catalogues.view_catalogueentry",
]
_READ_FILINGS = [
    "filings.view_enterprisefiling",
    "filings.view_productfiling",
    "filings.view_producttestreport",
    "filings.view_changerequest",
]
_REVIEW_FILINGS = ["filings.review_enterprisefiling", "filings.review_productfiling"]
#: declarations, their lines and on-site verifications: scoped per object by ``visible_to``
_READ_DECLARATIONS = [
    "imports.view_importbatch",
    "imports.view_importitem",
    "imports.view_verificationtask",
    "imports.view_exportdeclaration",
]
_LOAD_CATALOGUES = ["catalogues.load_catalogueedition"]
#: partnerships between operators and their platforms and warehouses: scoped per object by ``visible_to``
_READ_PARTNERSHIPS = ["partnerships.view_partnership"]
#: risk signals: every bureau reads every one (the national network), an enterprise its own reports
_RISK_SIGNALS = ["risk_monitoring.view_risksignal", "risk_monitoring.add_risksignal"]
#: inter-bureau notices: staff of the two bureaus and headquarters, scoped by ``visible_to``; never enterprises
_NOTICES = ["traceability.view_interbureaunotice", "traceability.add_interbureaunotice"]
#: investigations: the lead and notifying bureaus' staff and headquarters, scoped by ``visible_to``; never enterprises
_INVESTIGATIONS = ["traceability.view_investigation", "traceability.add_investigation"]
#: strict-supervision proposals: staff of the enterprise's jurisdiction and headquarters; never enterprises
_ESCALATIONS = ["traceability.view_strictsupervisionproposal"]
#: measures: staff issue them on investigations, enterprises open voluntary recalls (scoped by ``visible_to``)
_MEASURES = ["traceability.view_measure", "traceability.add_measure"]
#: sampling plans: a bureau's own (its staff draw them), read by headquarters; never by enterprises
_READ_SAMPLING_PLANS = ["risk_monitoring.view_samplingplan"]
_MAKE_SAMPLING_PLANS = [*_READ_SAMPLING_PLANS, "risk_monitoring.add_samplingplan"]
#: samplings: read nationally by staff, by an enterprise for its own goods (scoped by ``visible_to``)
_READ_SAMPLINGS = ["risk_monitoring.view_sampling"]
#: staff take samples and read the labs' trust records
_SAMPLE = ["risk_monitoring.add_sampling", "risk_monitoring.view_lab", "risk_monitoring.view_labcheck"]
#: risk scores: staff read every one, an enterprise its own and its products' (scoped by ``visible_to``)
_RISK_SCORES = ["risk_monitoring.view_riskscore"]
#: anti-counterfeiting: leads and cases are staff only (enterprises never see them); a case is read by the
#: people assigned to it and the bureau's administrators (``visible_to``); headquarters reads them all
_READ_COUNTERFEIT = [
    "anticounterfeit.view_counterfeitlead",
    "anticounterfeit.view_counterfeitcase",
    "anticounterfeit.view_rightsholder",
]
_COUNTERFEIT = [
    *_READ_COUNTERFEIT,
    "anticounterfeit.add_counterfeitlead",
    "anticounterfeit.add_counterfeitcase",
    "anticounterfeit.add_rightsholder",
    "anticounterfeit.change_rightsholder",
]
#: half-yearly reports: a bureau's are read by its jurisdiction's staff, the national ones by headquarters
#: (scoped by ``visible_to``); headquarters and bureau administrators generate them; never enterprises
_READ_REPORTS = ["reports.view_halfyearreport"]
_MAKE_REPORTS = [*_READ_REPORTS, "reports.add_halfyearreport"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.HQ: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_READ_DECLARATIONS,
        *_READ_PARTNERSHIPS,
        *_RISK_SIGNALS,
        *_NOTICES,
        *_INVESTIGATIONS,
        *_ESCALATIONS,
        "traceability.view_measure",
        *_READ_SAMPLING_PLANS,
        *_READ_SAMPLINGS,
        "risk_monitoring.view_lab",
        "risk_monitoring.view_labcheck",
        *_RISK_SCORES,
        *_LOAD_CATALOGUES,
        *_READ_COUNTERFEIT,
        *_MAKE_REPORTS,
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.BUREAU_ADMIN: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_REVIEW_FILINGS,
        *_READ_DECLARATIONS,
        *_READ_PARTNERSHIPS,
        *_RISK_SIGNALS,
        *_NOTICES,
        *_INVESTIGATIONS,
        *_ESCALATIONS,
        *_MEASURES,
        *_MAKE_SAMPLING_PLANS,
        *_READ_SAMPLINGS,
        *_SAMPLE,
        *_RISK_SCORES,
        *_LOAD_CATALOGUES,
        # strict supervision of an enterprise is the bureau's decision, not an inspector's
        "filings.supervise_enterprisefiling",
        *_COUNTERFEIT,
        *_MAKE_REPORTS,
        "accounts.view_user",
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.INSPECTOR: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_REVIEW_FILINGS,
        *_READ_DECLARATIONS,
        *_READ_PARTNERSHIPS,
        *_RISK_SIGNALS,
        *_NOTICES,
        *_INVESTIGATIONS,
        *_ESCALATIONS,
        *_MEASURES,
        *_MAKE_SAMPLING_PLANS,
        *_READ_SAMPLINGS,
        *_SAMPLE,
        *_RISK_SCORES,
        *_COUNTERFEIT,
        *_READ_REPORTS,
        "core.view_auditevent",
        "core.view_attachment",
    ],
    Role.ENTERPRISE: [
        *_READ_REFERENCE,
        *_READ_FILINGS,
        *_READ_DECLARATIONS,
        *_READ_PARTNERSHIPS,
        *_RISK_SIGNALS,
        *_READ_SAMPLINGS,
        *_RISK_SCORES,
        *_MEASURES,
        "filings.add_enterprisefiling",
        "filings.change_enterprisefiling",
        "filings.add_productfiling",
        "filings.change_productfiling",
        "filings.add_producttestreport",
        "filings.add_changerequest",
        "partnerships.add_partnership",
        "imports.add_importbatch",
        "imports.add_exportdeclaration",
        "core.view_auditevent",
        "core.view_attachment",
        "core.add_attachment",
    ],
}
