"""The catalogue pages: loading an edition, searching entries, the edition in force."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogues.models import CatalogueEdition
from tests.pages import browser_as, messages_of

pytestmark = pytest.mark.django_db


# --- catalogues -------------------------------------------------------------------------------------


GOOD_CATALOGUE = "序号,品名,别名,CAS号,备注\n1,氰化钠,山奈,143-33-9,剧毒\n2,甲醇,木醇,67-56-1,\n".encode()


BAD_CATALOGUE = "序号,品名,别名,CAS号,备注\n1,氰化钠,山奈,143-33-9,剧毒\n2,甲醇,木醇,67-56-2,\n".encode()


def catalogue_post(content: bytes, edition: str = "2026") -> dict:
    return {
        "kind": "restricted_toxic",
        "edition": edition,
        "effective_from": "2026-01-01",
        "file": SimpleUploadedFile("catalogue.csv", content, content_type="text/csv"),
    }


@pytest.mark.parametrize("role", ["zj_admin", "hq"])
def test_admins_and_hq_load_a_new_edition(world, role):
    client = browser_as(getattr(world, role))
    assert client.get(reverse("catalogues:catalogue_upload")).status_code == 200
    response = client.post(reverse("catalogues:catalogue_upload"), catalogue_post(GOOD_CATALOGUE), follow=True)
    edition = CatalogueEdition.objects.get(kind="restricted_toxic", edition="2026")
    assert edition.entry_count == 2 and edition.loaded_by == getattr(world, role).username
    assert response.redirect_chain[-1][0] == edition.get_absolute_url()
    assert "was loaded with 2 entries" in messages_of(response)[0]


@pytest.mark.parametrize("role", ["zj_inspector", "alice"])
def test_inspectors_and_enterprises_cannot_load_catalogues(world, role):
    client = browser_as(getattr(world, role))
    assert client.get(reverse("catalogues:catalogue_upload")).status_code == 404
    assert client.post(reverse("catalogues:catalogue_upload"), catalogue_post(GOOD_CATALOGUE)).status_code == 404
    assert not CatalogueEdition.objects.filter(kind="restricted_toxic").exists()
    assert 'data-testid="catalogue-upload"' not in client.get(reverse("catalogues:catalogue_list")).content.decode()


def test_a_malformed_catalogue_file_shows_the_row_at_fault(world):
    response = browser_as(world.zj_admin).post(reverse("catalogues:catalogue_upload"), catalogue_post(BAD_CATALOGUE))
    assert response.status_code == 200
    assert not CatalogueEdition.objects.filter(kind="restricted_toxic").exists()
    html = response.content.decode()
    assert 'data-testid="file-error"' in html and "row 3" in html and "67-56-2" in html


def test_catalogue_entries_are_searched_and_marked_highly_toxic(world):
    edition = CatalogueEdition.objects.get(kind="hazardous_chemicals", edition="2015 (excerpt)")
    client = browser_as(world.alice)
    for query in ("氰化钠", "山奈", "143-33-9"):  # name, alias (山奈; 山奈钾 too), CAS
        rows = client.get(edition.get_absolute_url(), {"q": query}).context["rows"]
        assert "氰化钠" in [e.name for e in rows], query
    assert "剧毒" in client.get(edition.get_absolute_url(), {"q": "氰化钠"}).content.decode()
    toxic = client.get(edition.get_absolute_url(), {"highly_toxic": "true"}).context["rows"]
    assert toxic and all(e.highly_toxic for e in toxic)
    dangerous = CatalogueEdition.objects.get(kind="dangerous_goods")
    assert [e.un_number for e in client.get(dangerous.get_absolute_url(), {"q": "UN1203"}).context["rows"]] == ["1203"]


def test_the_catalogue_list_marks_the_edition_in_force(world):
    response = browser_as(world.zj_inspector).get(reverse("catalogues:catalogue_list"))
    groups = {g["kind"]: g for g in response.context["groups"]}
    assert [e.is_in_force for e in groups["hazardous_chemicals"]["editions"]] == [True]
    assert groups["legal_inspection"]["editions"] == []
