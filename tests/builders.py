"""Complete and approved filings, built through the services as a user would."""

from __future__ import annotations

from filings import services

#: everything an enterprise filing needs before it can be submitted
COMPLETE_ENTERPRISE = {
    "legal_representative": "张三",
    "contact_name": "李四",
    "contact_phone": "13812345678",
    "address": "浙江省杭州市西湖区文三路 1 号",
    "main_categories": ["light_industry", "electrical"],
    "systems": ["quality_management", "risk_reporting_recall", "traceability", "consumer_protection"],
    "pledge_signed": True,
}

#: a toy, with a real China Customs code (95030089: 未列名玩具及模型)
TOY = {
    "name": "儿童积木玩具",
    "name_en": "Building blocks",
    "brand": "LEGO",
    "model": "10698",
    "hs_code": "9503008900",
    "origin_country": "DK",
    "manufacturer": "LEGO System A/S",
    "category": "light_industry",
    "subcategory": "toys",
    "gtin": "5702016616316",
    # toys (HS 9503) are in the compulsory certification catalogue: rule 7
    "ccc_certificate": "2021011606123456",
    "label_text": "警告：不适合3岁以下儿童，含小零件。",
}


def complete(filing, user):
    """Fill in what a filing needs, as its own user."""
    return services.enterprise_update(actor=user, filing=filing, types=["operator"], **COMPLETE_ENTERPRISE)


def approve(filing, user, inspector):
    complete(filing, user)
    services.enterprise_submit(actor=user, filing=filing)
    return services.enterprise_approve(actor=inspector, filing=filing)


def confirm_partners(operator, *, platform=None, warehouse=None):
    """Confirmed partnerships of ``operator`` with ``platform`` and ``warehouse`` (rule 8), so that its
    batches may name them; made on the record by the system, as the demo data makes them."""
    from partnerships.services import partnership_ensure_confirmed

    made = []
    for kind, partner in (("platform", platform), ("warehouse", warehouse)):
        if partner is not None and partner.pk != operator.pk:
            made.append(partnership_ensure_confirmed(operator=operator, partner=partner, kind=kind))
    return made
