"""Filing pages: thin views over ``filings.services``."""

from filings.views.enterprises import (
    colleague_add,
    enterprise_change_request,
    enterprise_decide,
    enterprise_detail,
    enterprise_edit,
    enterprise_list,
    enterprise_set_bureau,
    enterprise_submit,
)
from filings.views.products import (
    product_bulk,
    product_bulk_template,
    product_change_request,
    product_create,
    product_decide,
    product_detail,
    product_edit,
    product_label,
    product_list,
    product_submit,
    product_test_report_add,
)
from filings.views.review import change_request_decide, change_request_detail, change_request_withdraw, review_queue

__all__ = [
    "change_request_decide",
    "change_request_detail",
    "change_request_withdraw",
    "colleague_add",
    "enterprise_change_request",
    "enterprise_decide",
    "enterprise_detail",
    "enterprise_edit",
    "enterprise_list",
    "enterprise_set_bureau",
    "enterprise_submit",
    "product_bulk",
    "product_bulk_template",
    "product_change_request",
    "product_create",
    "product_decide",
    "product_detail",
    "product_edit",
    "product_label",
    "product_list",
    "product_submit",
    "product_test_report_add",
    "review_queue",
]
