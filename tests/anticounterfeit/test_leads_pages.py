"""Lead and rights-holder pages: lists (filters, sorting, export, a fixed query budget), a lead with its
URLs, duplicates, history and triage controls, the forms; staff only, in English and Chinese."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from anticounterfeit.models import CounterfeitCase, CounterfeitLead, RightsHolder
from tests.anticounterfeit.leads_helpers import a_lead, approved_enterprise, approved_product, case_for
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def lead(world):
    return a_lead(
        world.zj_inspector,
        brand="NIKE",
        seller_name="潮鞋小店",
        urls=["https://shop.example.com/item/1"],
        rights_holder="Nike, Inc.",
    )


def _as(client, user):
    client.force_login(user)
    return client


def test_the_lead_list_renders_for_staff_in_english_and_chinese(client, world, lead):
    _as(client, world.zj_inspector)
    response = client.get(reverse("anticounterfeit:lead_list"), **EN)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Counterfeit leads" in content and lead.title in content and 'data-testid="lead-row"' in content
    response = client.get(reverse("anticounterfeit:lead_list"), **ZH)
    assert response.status_code == 200 and lead.title in response.content.decode()


def test_the_lead_list_filters_sorts_exports_and_shows_a_group(client, world, lead):
    twin = a_lead(world.zj_admin, brand="ＮＩＫＥ®", seller_name="潮鞋 小店")
    other = a_lead(world.zj_admin, brand="Adidas", title="别的线索")
    _as(client, world.zj_inspector)
    url = reverse("anticounterfeit:lead_list")
    response = client.get(f"{url}?group={lead.group_key}", **EN)
    content = response.content.decode()
    assert twin.title in content and other.title not in content and 'data-testid="lead-group-banner"' in content
    assert client.get(f"{url}?sort=-duplicate_count", **EN).status_code == 200
    assert client.get(f"{url}?sort=enterprise", **EN).status_code == 200
    export = client.get(f"{url}?export=csv&status=new", **EN)
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert export.status_code == 200 and "别的线索" in body.decode("utf-8-sig")
    assert client.get(f"{url}?export=xlsx", **EN).status_code == 200


def test_the_lead_list_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    _as(client, world.zj_inspector)
    url = reverse("anticounterfeit:lead_list")
    shop = approved_enterprise()
    shoe = approved_product(shop)
    a_lead(world.zj_inspector, product=shoe.pk)
    client.get(url, **EN)  # warm caches (content types, session)
    with django_assert_max_num_queries(20) as few:
        client.get(url, **EN)
    for n in range(15):
        a_lead(world.zj_inspector, brand=f"B{n % 4}", product=shoe.pk, seller_name=f"店{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, **EN)
    assert response.content.decode().count('data-testid="lead-row"') == 16


def test_the_lead_page_shows_everything_and_the_triage_controls(client, world, lead):
    twin = a_lead(world.zj_admin, brand="nike", seller_name="潮鞋小店")
    case_for(world.zj, world.zj_inspector)
    _as(client, world.zj_inspector)
    response = client.get(reverse("anticounterfeit:lead_detail", args=[lead.pk]), **EN)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'href="https://shop.example.com/item/1" rel="noopener noreferrer nofollow"' in content
    assert twin.title in content and 'data-testid="duplicate-row"' in content
    assert 'data-testid="history"' in content  # the audit trail
    for control in ("lead-dismiss-submit", "lead-merge-submit", "lead-edit"):
        assert f'data-testid="{control}"' in content
    assert 'data-testid="lead-reopen-submit"' not in content
    assert "ZJ2026AC000001" in content  # the case offered for a merge
    assert 'name="with_duplicates"' in content
    try:
        case_create = reverse("anticounterfeit:case_create")
    except NoReverseMatch:
        assert 'data-testid="lead-open-case"' not in content
    else:
        assert f'href="{case_create}?leads={lead.pk}" data-testid="lead-open-case"' in content
    assert client.get(reverse("anticounterfeit:lead_detail", args=[lead.pk]), **ZH).status_code == 200


def test_headquarters_reads_without_triage_controls(client, world, lead):
    _as(client, world.hq)
    content = client.get(reverse("anticounterfeit:lead_detail", args=[lead.pk]), **EN).content.decode()
    assert lead.title in content
    assert 'data-testid="lead-dismiss-submit"' not in content and 'data-testid="lead-merge-submit"' not in content
    assert 'data-testid="triage-not-yours"' in content


def test_other_bureaus_and_enterprises_get_404(client, world, lead):
    _as(client, world.gd_inspector)
    assert client.get(reverse("anticounterfeit:lead_detail", args=[lead.pk]), **EN).status_code == 404
    _as(client, world.alice)
    for name in ("lead_list", "lead_create", "rights_holder_list", "rights_holder_create"):
        assert client.get(reverse(f"anticounterfeit:{name}"), **EN).status_code == 404
    assert client.get(reverse("anticounterfeit:lead_detail", args=[lead.pk]), **EN).status_code == 404
    assert client.get(reverse("anticounterfeit:rights_holder_detail", args=[lead.rights_holder_id])).status_code == 404


def test_filing_a_lead_through_the_form(client, world):
    shop = approved_enterprise()
    _as(client, world.zj_inspector)
    url = reverse("anticounterfeit:lead_create")
    page = client.get(url, **EN).content.decode()
    assert 'data-testid="lead-create-submit"' in page and 'list="rights-holder-names"' in page
    response = client.post(
        url,
        {
            "channel": "rights_holder",
            "title": "权利人投诉仿冒",
            "brand": "NIKE",
            "rights_holder": "Nike, Inc.",
            "enterprise": shop.pk,
            "urls": "https://shop.example.com/a\n\nhttps://shop.example.com/b\n",
        },
        **EN,
    )
    lead = CounterfeitLead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert lead.urls == ["https://shop.example.com/a", "https://shop.example.com/b"]
    assert lead.enterprise == shop and lead.rights_holder.name == "Nike, Inc."


def test_a_refused_form_shows_the_errors_and_saves_nothing(client, world):
    _as(client, world.zj_inspector)
    response = client.post(
        reverse("anticounterfeit:lead_create"),
        {"channel": "platform", "title": "t", "urls": "ftp://nowhere.example"},
        **EN,
    )
    assert response.status_code == 200 and "http:// or https://" in response.content.decode()
    assert not CounterfeitLead.objects.exists()


def test_headquarters_names_the_bureau_on_the_form(client, world):
    _as(client, world.hq)
    url = reverse("anticounterfeit:lead_create")
    assert 'name="bureau"' in client.get(url, **EN).content.decode()
    client.post(url, {"channel": "port", "title": "口岸截获", "bureau": "GD"}, **EN)
    assert CounterfeitLead.objects.get().bureau == world.gd


def test_correcting_dismissing_reopening_and_merging_through_the_pages(client, world, lead):
    case = case_for(world.zj, world.zj_inspector)
    _as(client, world.zj_inspector)
    edit = reverse("anticounterfeit:lead_edit", args=[lead.pk])
    assert "Nike, Inc." in client.get(edit, **EN).content.decode()
    client.post(
        edit,
        {
            "channel": "platform",
            "title": "更正后的标题",
            "brand": "NIKE",
            "seller_name": "潮鞋小店",
            "rights_holder": "Nike, Inc.",
        },
    )
    lead.refresh_from_db()
    assert lead.title == "更正后的标题" and lead.channel == "platform" and lead.urls == []
    client.post(reverse("anticounterfeit:lead_dismiss", args=[lead.pk]), {"reason": "other", "note": ""})
    lead.refresh_from_db()
    assert lead.status == "new"  # other needs a note
    client.post(reverse("anticounterfeit:lead_dismiss", args=[lead.pk]), {"reason": "insufficient"})
    lead.refresh_from_db()
    assert lead.status == "dismissed"
    assert client.get(edit).status_code == 403
    page = client.get(lead.get_absolute_url(), **EN).content.decode()
    assert 'data-testid="lead-reopen-submit"' in page and 'data-testid="lead-dismiss-submit"' not in page
    client.post(reverse("anticounterfeit:lead_reopen", args=[lead.pk]), {"reason": "新证据"})
    lead.refresh_from_db()
    assert lead.status == "new"
    twin = a_lead(world.zj_admin, brand="NIKE", seller_name="潮鞋小店")
    client.post(reverse("anticounterfeit:lead_merge", args=[lead.pk]), {"case": case.pk, "with_duplicates": "on"})
    lead.refresh_from_db()
    twin.refresh_from_db()
    assert lead.case == case and twin.case == case


def test_merging_into_a_case_not_offered_is_refused(client, world, lead):
    other = case_for(world.zj, no="ZJ2026AC000009")  # nobody assigned
    _as(client, world.zj_inspector)
    client.post(reverse("anticounterfeit:lead_merge", args=[lead.pk]), {"case": other.pk})
    lead.refresh_from_db()
    assert lead.status == "new"


# --- rights holders --------------------------------------------------------------------------------


def test_rights_holder_pages(client, world, lead):
    holder = lead.rights_holder
    _as(client, world.gd_inspector)
    for lang in (EN, ZH):
        assert client.get(reverse("anticounterfeit:rights_holder_list"), **lang).status_code == 200
        response = client.get(reverse("anticounterfeit:rights_holder_detail", args=[holder.pk]), **lang)
        assert response.status_code == 200 and holder.name in response.content.decode()
    # another bureau's lead is not listed on the holder's page
    assert lead.title not in client.get(holder.get_absolute_url(), **EN).content.decode()
    page = client.get(reverse("anticounterfeit:rights_holder_create"), **EN).content.decode()
    assert 'data-testid="rights-holder-create-submit"' in page
    response = client.post(
        reverse("anticounterfeit:rights_holder_create"),
        {"name": "adidas AG", "country": "DE", "brands": "adidas\nReebok"},
    )
    created = RightsHolder.objects.get(name="adidas AG")
    assert response.status_code == 302 and created.brands == ["adidas", "Reebok"]
    client.post(
        reverse("anticounterfeit:rights_holder_edit", args=[created.pk]),
        {"name": "adidas AG", "country": "DE", "brands": "adidas", "contact_name": "王律师"},
    )
    created.refresh_from_db()
    assert created.contact_name == "王律师" and created.brands == ["adidas"]
    upload = SimpleUploadedFile("授权书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(reverse("anticounterfeit:rights_holder_authorisation", args=[created.pk]), {"file": upload})
    page = client.get(created.get_absolute_url(), **EN).content.decode()
    assert "授权书.pdf" in page and 'data-testid="history"' in page


def test_headquarters_reads_rights_holders_but_does_not_record_them(client, world, lead):
    _as(client, world.hq)
    assert client.get(reverse("anticounterfeit:rights_holder_list"), **EN).status_code == 200
    assert client.get(reverse("anticounterfeit:rights_holder_create"), **EN).status_code == 403
    page = client.get(lead.rights_holder.get_absolute_url(), **EN).content.decode()
    assert 'data-testid="authorisation-form"' not in page


def test_the_rights_holder_list_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    _as(client, world.zj_inspector)
    url = reverse("anticounterfeit:rights_holder_list")
    RightsHolder.objects.create(name="h0", name_key="h0", brands=["a"])
    client.get(url, **EN)
    with django_assert_max_num_queries(20) as few:
        client.get(url, **EN)
    for n in range(1, 15):
        RightsHolder.objects.create(name=f"h{n}", name_key=f"h{n}", brands=["a", "b"], country="US")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, **EN)


def test_a_merged_lead_names_its_case_only_to_who_may_see_the_case(client, world, lead):
    handler = UserFactory(username="zj_case_handler", bureau=world.zj)
    case = case_for(world.zj, handler, no="ZJ2026AC000777")
    CounterfeitCase.objects.filter(pk=case.pk).update(title="保密的案件标题")
    CounterfeitLead.objects.filter(pk=lead.pk).update(status="merged", case=case)
    url = reverse("anticounterfeit:lead_detail", args=[lead.pk])
    case_url = reverse("anticounterfeit:case_detail", args=[case.pk])
    # An inspector of the lead's bureau not assigned to the case: the lead, but not the case.
    content = _as(client, world.zj_inspector).get(url, **EN).content.decode()
    assert 'data-testid="lead-case-hidden"' in content and "Merged into a case" in content
    assert "ZJ2026AC000777" not in content and "保密的案件标题" not in content and case_url not in content
    # Its people, its bureau's administrators and headquarters: the case, linked.
    for reader in (handler, world.zj_admin, world.hq):
        content = _as(client, reader).get(url, **EN).content.decode()
        assert "ZJ2026AC000777" in content and "保密的案件标题" in content and case_url in content
    # The API names the case by its id only.
    body = api_as(world.zj_inspector).get(f"/api/v1/counterfeit-leads/{lead.pk}/").json()
    assert body["case"] == case.pk and "ZJ2026AC000777" not in str(body) and "保密的案件标题" not in str(body)
