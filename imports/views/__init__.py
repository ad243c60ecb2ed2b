"""Import pages: import batches and their classification, on-site verification, export"""

from imports.views.batches import (
    batch_create,
    batch_detail,
    batch_list,
    batch_template,
    batch_verify,
    item_confirm,
    verification_queue,
)
from imports.views.classify import classify
from imports.views.exports import export_list, export_template, export_upload

__all__ = [
    "batch_create",
    "batch_detail",
    "batch_list",
    "batch_template",
    "batch_verify",
    "classify",
    "export_list",
    "export_template",
    "export_upload",
    "item_confirm",
    "verification_queue",
]
