"""Rights holder services: recorded and corrected by bureau staff, matched by name, authorisation
documents attached; each audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from anticounterfeit.models import RightsHolder
from anticounterfeit.services.rights_holders import (
    rights_holder_attach,
    rights_holder_authorisations,
    rights_holder_create,
    rights_holder_resolve,
    rights_holder_update,
)
from cbec_supervision.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_staff_record_a_rights_holder_and_it_is_audited(world):
    holder = rights_holder_create(
        actor=world.zj_inspector, name=" Nike,  Inc. ", country="us", brands=["NIKE", " Jordan ", "NIKE"]
    )
    assert (holder.name, holder.name_key, holder.country.code) == ("Nike, Inc.", "nike,inc.", "US")
    assert holder.brands == ["NIKE", "Jordan"]
    assert AuditEvent.objects.for_object(holder).get().action == "create"


def test_names_are_unique_whatever_the_case_width_and_spaces(world):
    rights_holder_create(actor=world.zj_inspector, name="Nike, Inc.")
    with pytest.raises(ValidationError) as exc:
        rights_holder_create(actor=world.gd_inspector, name="ＮＩＫＥ,INC.")
    assert "name" in exc.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 201}, "name"),
        ({"country": "XX"}, "country"),
        ({"brands": "not a list of strings".split() + [3]}, "brands"),
        ({"brands": ["b" * 101]}, "brands"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"authorisation_valid_until": "soon"}, "authorisation_valid_until"),
    ],
)
def test_bad_input_is_refused_per_field(world, fields, field):
    data = {"name": "Nike, Inc.", **fields}
    with pytest.raises(ValidationError) as exc:
        rights_holder_create(actor=world.zj_inspector, **data)
    assert field in exc.value.message_dict
    assert not RightsHolder.objects.exists()


def test_headquarters_and_enterprises_do_not_record_holders(world):
    for outsider in (world.hq, world.alice):
        with pytest.raises(PermissionDenied):
            rights_holder_create(actor=outsider, name="Nike, Inc.")


def test_a_correction_is_audited_with_before_and_after(world):
    holder = rights_holder_create(actor=world.zj_inspector, name="Nike, Inc.")
    holder = rights_holder_update(actor=world.gd_inspector, holder=holder, contact_name="王律师", brands=["NIKE"])
    event = AuditEvent.objects.for_object(holder).get(action="update")
    assert event.before["contact_name"] == "" and event.after["contact_name"] == "王律师"
    with pytest.raises(PermissionDenied):
        rights_holder_update(actor=world.hq, holder=holder, notes="x")


def test_resolving_finds_by_id_or_name_and_records_a_new_name(world):
    holder = rights_holder_create(actor=world.zj_inspector, name="Nike, Inc.")
    assert rights_holder_resolve(actor=world.zj_inspector, value=holder.pk) == holder
    assert rights_holder_resolve(actor=world.zj_inspector, value="nike, INC.") == holder
    assert rights_holder_resolve(actor=world.zj_inspector, value="") is None
    new = rights_holder_resolve(actor=world.zj_inspector, value="阿迪达斯")
    assert new.name == "阿迪达斯" and AuditEvent.objects.for_object(new).get().action == "create"
    with pytest.raises(ValidationError):
        rights_holder_resolve(actor=world.zj_inspector, value=987654)


def test_an_authorisation_document_is_attached_and_audited(world):
    holder = rights_holder_create(actor=world.zj_inspector, name="Nike, Inc.")
    upload = SimpleUploadedFile("授权书.pdf", PDF, content_type="application/pdf")
    attachment = rights_holder_attach(actor=world.zj_inspector, holder=holder, upload=upload, description="2026 授权")
    assert attachment.kind == "authorisation" and list(rights_holder_authorisations(holder)) == [attachment]
    assert AuditEvent.objects.for_object(holder).filter(action="attach").exists()
    with pytest.raises(ValidationError):
        rights_holder_attach(actor=world.zj_inspector, holder=holder, upload=SimpleUploadedFile("x.pdf", b"not a pdf"))
    with pytest.raises(PermissionDenied):
        rights_holder_attach(actor=world.hq, holder=holder, upload=upload)
