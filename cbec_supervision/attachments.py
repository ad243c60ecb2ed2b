"""Uploaded files, for every app: size and type limits checked by content, SHA-256 stored."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.models import Attachment
from cbec_supervision.tabular import table_rows

# Extension -> MIME type the content must be detected as. Text formats have no signature; they
# are accepted when they decode as text (UTF-8 or GB18030) and hold no NUL bytes.
ALLOWED_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".zip": "application/zip",
    ".mp4": "video/mp4",
}
TEXT_TYPES: dict[str, str] = {".txt": "text/plain", ".csv": "text/csv"}
# Office files are zip containers; some writers produce files that only sniff as zip.
_ZIP_CONTAINERS = {".docx", ".xlsx"}
_HEAD_BYTES = 8192


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The head may end inside a multi-byte character: drop up to three trailing bytes.
            for cut in range(4):
                try:
                    head[: len(head) - cut].decode(encoding)
                    return True
                except UnicodeDecodeError:
                    continue
        except LookupError:  # pragma: no cover - both codecs ship with Python
            continue
    return False


def check_upload(
    upload: UploadedFile, *, max_bytes: int | None = None, more_types: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Validate size and type by content; return (mime type, sha256). Raises ValidationError.

    ``more_types`` (extension -> MIME type the content must be detected as) widens ``ALLOWED_TYPES`` for
    one kind of upload (evidence takes recordings and phone videos)."""
    allowed_types = {**ALLOWED_TYPES, **(more_types or {})}
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if upload.size > limit:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if suffix in TEXT_TYPES:
        if not _looks_like_text(head):
            raise ValidationError({"file": [_("The file does not contain text, as its name says.")]})
        mime = TEXT_TYPES[suffix]
    elif suffix in allowed_types:
        kind = filetype.guess(head)
        detected = kind.mime if kind else None
        expected = allowed_types[suffix]
        if detected != expected and not (suffix in _ZIP_CONTAINERS and detected == "application/zip"):
            raise ValidationError(
                {"file": [_("The content of the file is not %(ext)s, as its name says.") % {"ext": suffix}]}
            )
        mime = expected
    else:
        allowed = ", ".join(sorted(allowed_types | TEXT_TYPES))
        raise ValidationError(
            {"file": [_("Files of this type are not accepted. Accepted: %(types)s.") % {"types": allowed}]}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return mime, digest.hexdigest()


def table_upload_rows(upload: UploadedFile, *, wrong_type: str) -> Iterator[Sequence[Any]]:
    """The rows of an uploaded .xlsx or .csv table (``cbec_supervision.tabular``), once its name, size
    and content are checked; ``wrong_type`` is the refusal of any other file. Raises ValidationError
    ({"file": [...]}) for the upload, TabularError (when the rows are read) for the file's content."""
    if PurePath(upload.name or "").suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError({"file": [wrong_type]})
    check_upload(upload)  # size, emptiness, and content matching the name
    upload.seek(0)
    return table_rows(upload.read(), upload.name or "")


@transaction.atomic
def attachment_create(
    *, owner: models.Model, upload: UploadedFile, actor: Actor, kind: str = "", description: str = ""
) -> Attachment:
    """Store ``upload`` as an attachment of ``owner`` and audit it on the owner's history."""
    mime, sha256 = check_upload(upload)
    original_name = PurePath(upload.name or "file").name[:255]
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=str(owner.pk),
        kind=kind,
        original_name=original_name,
        mime_type=mime,
        size=upload.size,
        sha256=sha256,
        description=description,
        uploaded_by=actor if not isinstance(actor, str) else None,
    )
    attachment.file.save(original_name, upload, save=False)
    try:
        attachment.save()
        audit_record(
            actor=actor,
            action="attach",
            obj=owner,
            after={"attachment": snapshot(attachment, exclude=("content_type", "object_id"))},
        )
    except Exception:
        # Do not leave a stored file behind a row that was never written.
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_visible_to(attachment: Attachment, user) -> bool:
    """An attachment is visible exactly when its owner is visible to the user."""
    model = attachment.content_type.model_class()
    if model is None:
        return False
    manager = model._default_manager
    if not hasattr(manager, "visible_to"):
        return bool(user.is_authenticated and user.is_hq)
    return manager.visible_to(user).filter(pk=attachment.object_id).exists()
