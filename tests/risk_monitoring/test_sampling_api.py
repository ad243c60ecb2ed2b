"""``samplings/`` (issue 10): staff record online and offline samples of any bureau's approved goods,
the verdict derived from the results at once; the lifecycle by actions; 400 per field; scoped reads."""

from __future__ import annotations

import pytest

from risk_monitoring.models import Lab, RiskSignal, Sampling
from tests.conftest import api_as
from tests.risk_monitoring.conftest import FAIL_ITEM, PASS_ITEM, offline_body, online_body
from tests.scoping import ScopedAccessTests, ScopedPageTests

pytestmark = pytest.mark.django_db

URL = "/api/v1/samplings/"


def create(world, body, user=None, expect=201):
    response = api_as(user or world.gd_inspector).post(URL, body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def test_an_online_sample_of_another_bureaus_product_with_its_results(sampling_world):
    body = create(sampling_world, online_body(sampling_world))
    assert body["channel"] == "online" and body["bureau"] == "GD"
    assert (body["product"], body["enterprise"], body["platform"]) == (
        sampling_world.alice_toy.pk,
        sampling_world.alice_co.pk,
        sampling_world.tmall.pk,
    )
    assert (body["status"], body["verdict"], body["lab"]) == ("results_entered", "pass", "SGS Shanghai")
    assert body["results"] == [PASS_ITEM] and body["price_paid"] == "59.90"
    assert body["sampling_no"].startswith("GD") and body["signal"] is None


def test_an_offline_sample_without_results_is_pending_and_labs_match_by_name(sampling_world):
    w = sampling_world
    first = create(w, offline_body(w))
    assert (first["status"], first["verdict"], first["warehouse"]) == ("sampled", "pending", w.warehouse.pk)
    second = create(sampling_world, offline_body(sampling_world, lab="ＣＴＩ  华测检测"))
    assert second["lab"] == "CTI 华测检测" and Lab.objects.count() == 1
    assert first["sampling_no"] != second["sampling_no"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"product": 0}, "product"),
        ({"product": 10**12}, "product"),
        ({"channel": "mail"}, "channel"),
        ({"lab": ""}, "lab"),
        ({"sampled_at": None}, "sampled_at"),
        ({"sampled_at": "yesterday"}, "sampled_at"),
        ({"sampled_at": "2099-01-01T00:00:00Z"}, "sampled_at"),
        ({"order_no": ""}, "order_no"),
        ({"url": "not a url"}, "url"),
        ({"price_paid": "-1"}, "price_paid"),
        ({"price_paid": "abc"}, "price_paid"),
        ({"results": [{**PASS_ITEM, "verdict": "maybe"}]}, "results"),
        ({"results": [{**PASS_ITEM, "test_item": ""}]}, "results"),
        ({"results": "x"}, "results"),
        ({"location": "A区"}, "location"),
    ],
)
def test_bad_online_input_answers_400_on_its_field(sampling_world, change, field):
    body = create(sampling_world, online_body(sampling_world, **change), expect=400)
    assert field in body, body
    assert not Sampling.objects.exists()


def test_the_filings_named_are_checked(sampling_world):
    w = sampling_world
    assert "product" in create(w, online_body(w, product=w.alice_draft.pk), expect=400)
    assert "platform" in create(w, online_body(w, platform=w.bob_co.pk), expect=400)
    assert "warehouse" in create(w, offline_body(w, warehouse=w.tmall.pk), expect=400)
    assert "warehouse" in create(w, offline_body(w, warehouse=None), expect=400)
    assert "location" in create(w, offline_body(w, location=""), expect=400)
    assert "batch" in create(w, offline_body(w, batch=10**6), expect=400)
    assert "url" in create(w, offline_body(w, url="https://x.example"), expect=400)


def test_an_offline_sample_names_a_batch_of_that_product(sampling_world):
    from tests.scoping import port_batch

    w = sampling_world
    batch = port_batch(w, product=w.alice_toy)
    other = port_batch(w, product=w.bob_kettle)
    assert create(w, offline_body(w, batch=batch.pk))["batch"] == batch.pk
    assert "batch" in create(w, offline_body(w, batch=other.pk), expect=400)


def test_only_bureau_staff_take_samples(sampling_world):
    w = sampling_world
    create(w, online_body(w), user=w.alice, expect=403)
    create(w, online_body(w), user=w.hq, expect=403)


def test_a_failing_item_fails_the_sampling_and_raises_one_signal(sampling_world):
    w = sampling_world
    body = create(w, online_body(w, results=[PASS_ITEM, FAIL_ITEM]))
    assert body["verdict"] == "fail" and body["signal"] is not None
    signal = RiskSignal.objects.get(pk=body["signal"])
    assert signal.source == "sampling" and "小零件" in signal.title
    assert (signal.product_id, signal.enterprise_id, signal.platform_id) == (w.alice_toy.pk, w.alice_co.pk, w.tmall.pk)
    assert signal.competent_bureau == w.alice_co.bureau and signal.reported_by.code == "GD"
    again = api_as(w.gd_inspector).put(
        f"{URL}{body['id']}/results/", {"results": [FAIL_ITEM, {**PASS_ITEM, "verdict": "fail"}]}, format="json"
    )
    assert again.status_code == 200, again.content
    assert again.json()["signal"] == signal.pk
    assert RiskSignal.objects.filter(source="sampling").count() == 1
    signal.refresh_from_db()
    assert "可迁移元素 铅" in signal.title
    corrected = api_as(w.gd_inspector).post(f"{URL}{body['id']}/results/", {"results": [PASS_ITEM]}, format="json")
    assert corrected.status_code == 200 and corrected.json()["verdict"] == "pass"
    assert corrected.json()["signal"] == signal.pk  # left for triage
    assert RiskSignal.objects.get(pk=signal.pk).status == "new"


def test_the_lifecycle_and_refused_transitions(sampling_world):
    w = sampling_world
    client = api_as(w.gd_inspector)
    body = create(w, offline_body(w))
    sid = body["id"]
    assert client.post(f"{URL}{sid}/close/", {}, format="json").status_code == 400
    sent = client.post(f"{URL}{sid}/send-to-lab/", {"lab_report_no": "R-1"}, format="json")
    assert sent.status_code == 200 and sent.json()["status"] == "at_lab"
    assert client.post(f"{URL}{sid}/send-to-lab/", {}, format="json").status_code == 400
    assert client.put(f"{URL}{sid}/results/", {"results": []}, format="json").status_code == 400
    entered = client.put(f"{URL}{sid}/results/", {"results": [PASS_ITEM]}, format="json")
    assert entered.json()["status"] == "results_entered" and entered.json()["verdict"] == "pass"
    assert client.post(f"{URL}{sid}/send-to-lab/", {}, format="json").status_code == 400
    closed = client.post(f"{URL}{sid}/close/", {"note": "完成"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.put(f"{URL}{sid}/results/", {"results": [FAIL_ITEM]}, format="json").status_code == 400
    assert Sampling.objects.get(pk=sid).verdict == "pass"
    history = client.get(f"{URL}{sid}/history/").json()["results"]
    assert len(history) >= 4


def test_only_the_sampling_bureau_moves_it_on(sampling_world):
    w = sampling_world
    body = create(w, offline_body(w))
    response = api_as(w.zj_inspector).post(f"{URL}{body['id']}/send-to-lab/", {}, format="json")
    assert response.status_code == 403
    assert api_as(w.alice).post(f"{URL}{body['id']}/send-to-lab/", {}, format="json").status_code == 403


def test_filters(sampling_world):
    w = sampling_world
    create(w, online_body(w, results=[FAIL_ITEM]))
    create(w, offline_body(w))
    client = api_as(w.zj_inspector)
    assert client.get(URL, {"verdict": "fail"}).json()["count"] == 1
    assert client.get(URL, {"channel": "offline"}).json()["count"] == 1
    assert client.get(URL, {"bureau": "GD", "platform": w.tmall.pk}).json()["count"] == 1
    assert client.get(URL, {"sampled_after": "2026-11-21"}).json()["count"] == 1
    assert client.get(URL, {"lab": Lab.objects.get(name="SGS Shanghai").pk}).json()["count"] == 1
    assert client.get(URL, {"product": w.bob_kettle.pk}).json()["count"] == 0


def test_a_screenshot_is_an_image_or_a_pdf(sampling_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pages import PNG

    w = sampling_world
    body = create(w, online_body(w))
    client = api_as(w.gd_inspector)
    good = client.post(
        f"{URL}{body['id']}/attachments/", {"file": SimpleUploadedFile("shot.png", PNG)}, format="multipart"
    )
    assert good.status_code == 201, good.content
    assert len(good.json()["sha256"]) == 64
    bad = client.post(
        f"{URL}{body['id']}/attachments/", {"file": SimpleUploadedFile("a.csv", b"a,b\n")}, format="multipart"
    )
    assert bad.status_code == 400 and "screenshot" in bad.json()


def test_an_online_sample_posted_with_its_screenshot_in_one_multipart_body(sampling_world):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.pages import PNG

    w = sampling_world
    data = online_body(w, results=json.dumps([FAIL_ITEM]))
    data.pop("platform")
    data["screenshot"] = SimpleUploadedFile("shot.png", PNG)
    response = api_as(w.gd_inspector).post(URL, data, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["verdict"] == "fail"


class _SamplingScope(ScopedAccessTests, ScopedPageTests):
    route = "samplings"
    editable_by = None
    html_detail_url_name = "risk_monitoring:sampling_detail"
    visible_to = frozenset({"owner", "same_bureau_inspector", "other_bureau_inspector", "port_bureau_inspector", "hq"})

    def make_object(self, world):
        from accounts.models import Bureau
        from tests.factories import ProductFilingFactory

        product = ProductFilingFactory(enterprise=world.alice_co, status="approved")
        return Sampling.objects.create(
            sampling_no=f"GD2026S{Sampling.objects.count() + 1:06d}",
            channel="offline",
            bureau=Bureau.objects.get(code="GD"),
            product=product,
            enterprise=world.alice_co,
        )


class TestASamplingIsReadNationallyAndByItsEnterpriseOnly(_SamplingScope):
    pass


def test_the_list_costs_a_fixed_number_of_queries(sampling_world, django_assert_max_num_queries):
    w = sampling_world
    for n in range(12):
        create(w, online_body(w, order_no=f"TM{n}", results=[PASS_ITEM, FAIL_ITEM]))
    with django_assert_max_num_queries(8):
        response = api_as(w.zj_inspector).get(URL)
    assert response.json()["count"] == 12
    assert all(len(row["results"]) == 2 for row in response.json()["results"])


def test_an_enterprise_reads_its_samplings_without_the_inspectors_links(sampling_world):
    w = sampling_world
    body = create(w, online_body(w, results=[FAIL_ITEM]))
    own = api_as(w.alice).get(f"{URL}{body['id']}/")
    assert own.status_code == 200 and own.json()["signal"] is None and own.json()["verdict"] == "fail"
    assert api_as(w.bob).get(f"{URL}{body['id']}/").status_code == 404
    assert api_as(w.bob).get(URL).json()["count"] == 0
    # the platform reads the samplings bought on it
    from tests.factories import UserFactory

    platform_user = UserFactory(role="enterprise", bureau=None, enterprise=w.tmall)
    assert api_as(platform_user).get(URL).json()["count"] == 1
