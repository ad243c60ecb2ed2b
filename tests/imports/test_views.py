"""The import pages: catalogues, import batches and their classification, on-site verification, export
declarations and the dry run. Who sees what, each button calls its service, refusals change nothing.

Alice works for Alice Co (Zhejiang, approved, with an approved toy), Bob for Bob Co (Guangdong);
zj_inspector and zj_admin work at the Zhejiang bureau (the port bureau of Alice's batches),
gd_inspector at Guangdong; hq sees everything and decides nothing.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from catalogues.models import CatalogueEdition
from filings import services
from imports.choices import BatchStatus, Confirmation, VerificationStatus
from imports.models import ExportDeclaration, ImportBatch, ImportItem, VerificationTask
from imports.services.declarations import export_declare, import_batch_declare
from imports.services.files import BATCH_COLUMNS, EXPORT_COLUMNS, column_heading
from tests.builders import TOY, approve
from tests.filings.test_views import ANON, browser_as, expected_status, messages_of

pytestmark = pytest.mark.django_db

ROLES = ["alice", "bob", "zj_inspector", "zj_admin", "gd_inspector", "hq", ANON]
STAFF = {"zj_inspector", "zj_admin", "gd_inspector", "hq"}

CYANIDE = {
    "description": "氰化钠",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 10,
    "value_cny": 500,
}
TOWEL = {"description": "纯棉浴巾", "hs_code": "6302601000", "quantity": 30, "unit": "条", "value_cny": 900}
HAIR_DRYER = {"description": "电吹风机 1800W", "hs_code": "8516310000", "quantity": 20, "value_cny": 4000}
#: 甲醇 (methanol) found in the description only: a suspected match, to be confirmed or dismissed
CLEANER = {"description": "含甲醇的玻璃清洁剂", "hs_code": "3402509000", "quantity": 5, "value_cny": 150}


@pytest.fixture
def alice_co(world):
    return approve(world.alice_co, world.alice, world.zj_inspector)


@pytest.fixture
def approved_toy(world, alice_co):
    toy = services.product_create(actor=world.alice, enterprise=alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    return services.product_approve(actor=world.zj_inspector, product=toy)


def declare(world, *lines, mode="bonded") -> ImportBatch:
    return import_batch_declare(actor=world.alice, items=[dict(line) for line in lines], port_bureau="ZJ", mode=mode)


@pytest.fixture
def refused(world, alice_co):
    return declare(world, CYANIDE, TOWEL)


@pytest.fixture
def to_verify(world, approved_toy):
    """Key supervision (a hair dryer under CCC), a suspected match, and the filed toy."""
    return declare(world, HAIR_DRYER, CLEANER, {"product": approved_toy.pk, "quantity": 5, "value_cny": 645})


@pytest.fixture
def released(world, alice_co):
    return declare(world, TOWEL)


def lines_post(*lines, **header) -> dict:
    """The batch form's POST: header fields and the lines table (a formset with prefix "line")."""
    data = {
        "mode": "bonded",
        "port_bureau": "",
        "platform": "",
        "warehouse": "",
        "arrival_date": "",
        "line-TOTAL_FORMS": str(max(3, len(lines))),
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "200",
        **header,
    }
    for index, line in enumerate(lines):
        for field, value in line.items():
            if field == "used":
                if value:
                    data[f"line-{index}-used"] = "on"
            else:
                data[f"line-{index}-{field}"] = "; ".join(value) if isinstance(value, list) else str(value)
    return data


# --- who sees which page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_catalogues_are_read_by_everyone_signed_in(world, role):
    user = getattr(world, role) if role else None
    edition = CatalogueEdition.objects.get(kind="hazardous_chemicals", edition="2015 (excerpt)")
    client = browser_as(user)
    expected = 302 if role is ANON else 200
    assert client.get(reverse("catalogues:catalogue_list")).status_code == expected
    assert client.get(edition.get_absolute_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_a_batch_is_seen_by_its_enterprise_its_bureaus_and_hq(world, refused, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(refused.get_absolute_url())
    assert response.status_code == expected_status(role, {"alice", "zj_inspector", "zj_admin", "hq"})


def test_a_batch_is_seen_by_the_port_bureau_and_the_platform(world, alice_co):
    bob_co = approve(world.bob_co, world.bob, world.gd_inspector)
    bob_co.is_platform = True
    bob_co.save()
    batch = import_batch_declare(actor=world.alice, items=[dict(TOWEL)], port_bureau="GD", platform=bob_co.pk)
    for user in (world.gd_inspector, world.bob, world.zj_inspector):
        assert browser_as(user).get(batch.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_the_batch_list_shows_only_what_the_role_may_see(world, refused, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:batch_list"))
    if role is ANON:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["rows"]}
    assert (refused.pk in shown) == (role in {"alice", "zj_inspector", "zj_admin", "hq"})


@pytest.mark.parametrize("role", ROLES)
def test_declaring_and_uploading_are_for_enterprise_users(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    for name in ("imports:batch_create", "imports:export_upload"):
        assert client.get(reverse(name)).status_code == expected_status(role, {"alice", "bob"})


@pytest.mark.parametrize("role", ROLES)
def test_the_verification_queue_is_for_bureau_staff_and_hq(world, role):
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:verification_queue"))
    assert response.status_code == expected_status(role, STAFF)


@pytest.mark.parametrize("role", ROLES)
def test_exports_and_the_dry_run_are_open_to_everyone_signed_in(world, role):
    user = getattr(world, role) if role else None
    client = browser_as(user)
    expected = 302 if role is ANON else 200
    assert client.get(reverse("imports:export_list")).status_code == expected
    assert client.get(reverse("imports:classify")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_exports_are_listed_within_scope(world, alice_co, role):
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": "YG1",
                "description": "真丝围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 780,
            }
        ],
    )
    user = getattr(world, role) if role else None
    response = browser_as(user).get(reverse("imports:export_list"))
    if role is ANON:
        return
    shown = [row.order_no for row in response.context["rows"]]
    assert shown == (["YG1"] if role in {"alice", "zj_inspector", "zj_admin", "hq"} else [])


def test_navigation_per_role(world):
    def nav(user):
        return {item.testid for item in browser_as(user).get(reverse("home")).context["nav_links"]}

    assert {"nav-imports", "nav-exports"} <= nav(world.alice)
    assert {"nav-verifications", "nav-batches", "nav-catalogues", "nav-classify"} <= nav(world.zj_inspector)
    hq = nav(world.hq)
    assert {"nav-batches", "nav-catalogues"} <= hq and not {"nav-verifications", "nav-classify"} & hq


def test_home_queues_count_open_verifications_and_batches_awaiting_them(world, to_verify):
    def queues(user):
        return {str(q.title): q.count for q in browser_as(user).get(reverse("home")).context["queues"]}

    assert queues(world.zj_inspector)["Open on-site verifications"] == 1
    assert queues(world.gd_inspector)["Open on-site verifications"] == 0
    assert queues(world.alice)["Batches awaiting verification"] == 1
    assert queues(world.bob)["Batches awaiting verification"] == 0


# --- declaring a batch ------------------------------------------------------------------------------


def test_a_batch_declared_in_the_lines_table_with_a_prohibited_line_is_refused_with_its_entry(world, alice_co):
    client = browser_as(world.alice)
    data = lines_post(CYANIDE, TOWEL, port_bureau=str(world.zj.pk), arrival_date="2026-03-20")
    response = client.post(reverse("imports:batch_create"), data, follow=True)
    batch = ImportBatch.objects.get(enterprise=alice_co)
    assert response.redirect_chain[-1][0] == batch.get_absolute_url()
    assert batch.status == BatchStatus.REFUSED and batch.item_count == 2
    assert batch.arrival_date.isoformat() == "2026-03-20"
    html = response.content.decode()
    assert 'data-testid="refused"' in html
    assert "Refused entry: 1 prohibited line" in html
    assert "12 氰化钠 [剧毒]" in html
    assert "2015 (excerpt)" in html and "Catalogue of Hazardous Chemicals" in html
    assert "matched on CAS number" in html
    assert "refused entry" in messages_of(response)[0]


def test_empty_rows_of_the_table_are_skipped(world, alice_co):
    data = lines_post({}, TOWEL, {}, port_bureau=str(world.zj.pk))
    browser_as(world.alice).post(reverse("imports:batch_create"), data)
    batch = ImportBatch.objects.get(enterprise=alice_co)
    assert batch.status == BatchStatus.RELEASED and batch.item_count == 1


def test_line_errors_are_listed_by_line_and_nothing_is_declared(world, alice_co):
    bad = {"description": "氰化钠", "hs_code": "28371", "cas_numbers": ["143-33-8"], "quantity": 0, "value_cny": "x"}
    data = lines_post(TOWEL, {}, bad, port_bureau=str(world.zj.pk))
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    errors = response.context["row_errors"]
    assert {e["row"] for e in errors} == {3}  # the table's line numbers
    assert {e["field"] for e in errors} == {"hs_code", "cas_numbers", "quantity", "value_cny"}
    assert response.context["lines"].forms[2].errors["hs_code"]
    assert 'data-testid="row-errors"' in response.content.decode()


def test_the_header_is_checked_by_the_service(world, alice_co):
    data = lines_post(TOWEL, port_bureau=str(world.zj.pk), platform=str(world.alice_co.pk))  # not a platform
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    assert response.context["header"].errors


def test_an_unapproved_enterprise_is_told_why_it_cannot_declare(world):
    response = browser_as(world.alice).get(reverse("imports:batch_create"))
    assert 'data-testid="enterprise-not-approved"' in response.content.decode()


def batch_xlsx(rows: list[list], name: str = "batch.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column_heading(f, BATCH_COLUMNS) for f in BATCH_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_batch_uploaded_as_a_file_of_a_thousand_lines_is_declared(world, approved_toy):
    rows = [["", "纯棉浴巾", "6302601000", "", "", "否", 2, "条", 59.9, "PT"] for _ in range(999)]
    rows.append([approved_toy.filing_no, "", "", "", "", "", 10, "件", 1290, ""])
    data = lines_post(port_bureau=str(world.zj.pk), mode="bonded")
    data["file"] = batch_xlsx(rows)
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data, follow=True)
    batch = ImportBatch.objects.get()
    assert batch.item_count == 1000
    assert batch.status == BatchStatus.VERIFICATION_REQUIRED  # the toy is under compulsory certification
    assert VerificationTask.objects.filter(batch=batch, bureau=world.zj).exists()
    page = response.context["page_obj"]
    assert page.paginator.count == 1000 and len(page.object_list) == 50
    assert page.object_list[0].tier == 2  # the most severe lines first


def test_bad_rows_of_an_uploaded_file_are_listed_by_row(world, alice_co):
    rows = [["", "纯棉浴巾", "6302601000", "", "", "否", 2, "条", 59.9, "PT"] for _ in range(10)]
    rows[6][2] = "63026"
    data = lines_post(port_bureau=str(world.zj.pk))
    data["file"] = batch_xlsx(rows)
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert not ImportBatch.objects.exists()
    assert [(e["row"], e["field"]) for e in response.context["row_errors"]] == [(8, "hs_code")]
    assert response.context["from_file"] is True


def test_the_batch_templates_download(world):
    client = browser_as(world.alice)
    response = client.get(reverse("imports:batch_template", args=["xlsx"]))
    assert response.status_code == 200 and "import_batch_template.xlsx" in response["Content-Disposition"]
    assert client.get(reverse("imports:export_template", args=["csv"])).status_code == 200
    assert client.get(reverse("imports:batch_template", args=["pdf"])).status_code == 404


# --- outcomes -------------------------------------------------------------------------------------


def test_a_batch_awaiting_verification_shows_the_suspected_match_and_what_it_rests_on(world, to_verify):
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    response = browser_as(world.alice).get(to_verify.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="verification-required"' in html
    assert "suspected 0.8" in html and "4 甲醇" in html and "matched on name" in html
    assert "Compulsory certification (CCC) catalogue" in html and "8516" in html
    counts = response.context["counts"]
    assert (counts["tier1"], counts["tier2"], counts["pending"]) == (1, 2, 1)
    # The enterprise sees the outcome but no verification buttons.
    assert 'data-testid="confirm-form"' not in html and 'data-testid="pass-form"' not in html


def test_released_and_direct_mail_batches_say_so(world, alice_co, released):
    assert 'data-testid="released"' in browser_as(world.alice).get(released.get_absolute_url()).content.decode()
    postal = declare(world, CYANIDE, mode="direct_mail")
    html = browser_as(world.zj_inspector).get(postal.get_absolute_url()).content.decode()
    assert postal.status == BatchStatus.POSTAL and 'data-testid="postal"' in html


def test_lines_are_filtered_by_tier(world, to_verify):
    client = browser_as(world.zj_inspector)
    tiers = {item.tier for item in client.get(to_verify.get_absolute_url(), {"show": "2"}).context["rows"]}
    assert tiers == {2}
    pending = client.get(to_verify.get_absolute_url(), {"show": "pending"}).context["rows"]
    assert [item.confirmation for item in pending] == [Confirmation.PENDING]


# --- on-site verification -----------------------------------------------------------------------


def pending_item(batch) -> ImportItem:
    return batch.items.get(confirmation=Confirmation.PENDING)


def test_the_port_bureau_inspector_sees_the_verification_forms(world, to_verify):
    html = browser_as(world.zj_inspector).get(to_verify.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-form"' in html and 'data-testid="pass-form"' in html
    hq = browser_as(world.hq).get(to_verify.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-form"' not in hq and 'data-testid="pass-form"' not in hq


def test_confirming_a_suspected_match_keeps_the_tier(world, to_verify):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    response = browser_as(world.zj_inspector).post(url, {"decision": "confirm", "back": "show=pending&page=1"})
    assert response.status_code == 302 and response["Location"].endswith(f"?show=pending&page=1#line-{item.line_no}")
    item.refresh_from_db()
    assert item.confirmation == Confirmation.CONFIRMED and item.tier == 1


def test_dismissing_a_suspected_match_classifies_the_line_again(world, to_verify):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    browser_as(world.zj_inspector).post(url, {"decision": "dismiss"})
    item.refresh_from_db()
    to_verify.refresh_from_db()
    assert item.confirmation == Confirmation.DISMISSED and item.tier == 3 and item.reasons == []
    assert to_verify.tier == 2


@pytest.mark.parametrize("role", ["alice", "hq"])
def test_only_the_port_bureau_confirms(world, to_verify, role):
    item = pending_item(to_verify)
    url = reverse("imports:item_confirm", args=[to_verify.pk, item.pk])
    response = browser_as(getattr(world, role)).post(url, {"decision": "dismiss"}, follow=True)
    assert messages_of(response)  # refused, with the service's reason
    item.refresh_from_db()
    assert item.confirmation == Confirmation.PENDING


def test_outside_the_scope_the_actions_are_404(world, to_verify):
    item = pending_item(to_verify)
    client = browser_as(world.gd_inspector)
    assert (
        client.post(reverse("imports:item_confirm", args=[to_verify.pk, item.pk]), {"decision": "confirm"}).status_code
        == 404
    )
    assert client.post(reverse("imports:batch_verify", args=[to_verify.pk, "fail"]), {"note": "x"}).status_code == 404


def test_a_batch_cannot_pass_while_a_match_awaits_confirmation(world, to_verify):
    response = browser_as(world.zj_inspector).post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]), {"note": ""}, follow=True
    )
    assert "Confirm or dismiss every suspected match first." in messages_of(response)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED


def test_passing_with_accepted_third_party_results_releases_the_batch(world, to_verify, approved_toy):
    report = services.product_test_report_add(
        actor=world.alice,
        product=approved_toy,
        lab="SGS-CSTC Standards Technical Services (Shanghai)",
        report_no="SHTY2026001234",
        issued_on="2026-01-15",
        verdict="pass",
        standard="GB 6675.2-2014",
    )
    client = browser_as(world.zj_inspector)
    item = pending_item(to_verify)
    client.post(reverse("imports:item_confirm", args=[to_verify.pk, item.pk]), {"decision": "dismiss"})
    page = client.get(to_verify.get_absolute_url())
    assert [r.pk for r in page.context["reports"]] == [report.pk]
    response = client.post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]),
        {"accepted_reports": [report.pk], "note": "现场核查货证相符。"},
        follow=True,
    )
    to_verify.refresh_from_db()
    task = to_verify.verification
    assert to_verify.status == BatchStatus.RELEASED and task.status == VerificationStatus.PASSED
    assert list(task.accepted_reports.all()) == [report]
    html = response.content.decode()
    assert "SHTY2026001234" in html and 'data-testid="released"' in html


def test_failing_needs_findings_and_refuses_entry(world, to_verify):
    client = browser_as(world.zj_inspector)
    url = reverse("imports:batch_verify", args=[to_verify.pk, "fail"])
    response = client.post(url, {"note": "  "}, follow=True)
    assert "Record the findings that fail the batch." in messages_of(response)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.VERIFICATION_REQUIRED
    response = client.post(url, {"note": "电吹风机无CCC标志。"}, follow=True)
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.REFUSED
    html = response.content.decode()
    assert "Refused entry after on-site verification" in html and "电吹风机无CCC标志。" in html


def test_the_queue_lists_open_verifications_of_the_bureau_oldest_first(world, to_verify, approved_toy):
    second = declare(world, HAIR_DRYER)
    rows = list(browser_as(world.zj_inspector).get(reverse("imports:verification_queue")).context["rows"])
    assert [t.batch_id for t in rows] == [to_verify.pk, second.pk]
    assert (rows[0].key_lines, rows[0].pending_lines) == (2, 1)
    assert list(browser_as(world.gd_inspector).get(reverse("imports:verification_queue")).context["rows"]) == []


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


# --- exports --------------------------------------------------------------------------------------


def export_xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column_heading(f, EXPORT_COLUMNS) for f in EXPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("exports.xlsx", buffer.getvalue())


def test_export_orders_are_uploaded_and_listed(world, approved_toy):
    rows = [[f"YG{i:06d}", approved_toy.filing_no, "", "", "US", 1, 259] for i in range(300)]
    response = browser_as(world.alice).post(reverse("imports:export_upload"), {"file": export_xlsx(rows)}, follow=True)
    assert ExportDeclaration.objects.count() == 300
    assert "300 export orders were declared." in messages_of(response)
    assert response.context["page_obj"].paginator.count == 300


def test_bad_export_rows_are_listed_and_nothing_is_declared(world, approved_toy):
    rows = [["YG1", approved_toy.filing_no, "", "", "US", 1, 259], ["YG1", "", "围巾", "6214100090", "ZZ", 1, 1]]
    response = browser_as(world.alice).post(reverse("imports:export_upload"), {"file": export_xlsx(rows)})
    assert not ExportDeclaration.objects.exists()
    assert {(e["row"], e["field"]) for e in response.context["row_errors"]} == {
        (3, "order_no"),
        (3, "destination_country"),
    }


# --- the dry run ----------------------------------------------------------------------------------


def test_the_dry_run_shows_tiers_and_reasons_and_stores_nothing(world, alice_co):
    data = {
        "line-TOTAL_FORMS": "3",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "200",
        "line-0-description": "氰化钠",
        "line-0-cas_numbers": "143-33-9",
        "line-1-description": "纯棉浴巾",
        "line-1-hs_code": "6302601000",
        "line-2-description": "甲醇燃料块",
        "line-2-hs_code": "123",
        "text": "电吹风机\t8516310000\t\t\t否",
    }
    response = browser_as(world.alice).post(reverse("imports:classify"), data)
    results = response.context["results"]
    assert [r.get("tier") for r in results] == [2, 1, 3, None]  # pasted lines come first
    cyanide = results[1]
    assert cyanide["missing_hs"] and cyanide["reasons"][0].entry == "12 氰化钠 [剧毒]"
    assert results[3]["errors"]
    assert not ImportBatch.objects.exists()
    assert "12 氰化钠 [剧毒]" in response.content.decode()


def test_the_dry_run_needs_a_line(world):
    data = {"line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0", "line-MIN_NUM_FORMS": "0", "line-MAX_NUM_FORMS": "200"}
    response = browser_as(world.zj_inspector).post(reverse("imports:classify"), data)
    assert response.context["results"] is None
    assert "Enter or paste at least one line." in response.content.decode()


# --- query budgets ----------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_batch_list_costs_the_same_for_many_batches(world, alice_co):
    client = browser_as(world.zj_inspector)
    declare(world, TOWEL)
    few = count_queries(client, reverse("imports:batch_list"))
    for _ in range(8):
        declare(world, TOWEL, HAIR_DRYER)
    assert count_queries(client, reverse("imports:batch_list")) == few
    assert few <= 10


def test_the_batch_page_costs_the_same_for_many_lines(world, approved_toy):
    client = browser_as(world.zj_inspector)
    small = declare(world, HAIR_DRYER, CLEANER)
    big = declare(
        world, CLEANER, *([HAIR_DRYER, TOWEL, {"product": approved_toy.pk, "quantity": 1, "value_cny": 1}] * 40)
    )
    assert count_queries(client, big.get_absolute_url()) == count_queries(client, small.get_absolute_url())
    assert count_queries(client, big.get_absolute_url()) <= 20
    refused = declare(world, *([CYANIDE, TOWEL] * 30))
    assert count_queries(client, refused.get_absolute_url()) <= 20


def test_the_queue_exports_and_catalogue_pages_cost_the_same_for_many_rows(world, alice_co):
    client = browser_as(world.zj_inspector)
    declare(world, HAIR_DRYER)
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": "A0",
                "description": "围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 1,
            }
        ],
    )
    queue = count_queries(client, reverse("imports:verification_queue"))
    exports = count_queries(client, reverse("imports:export_list"))
    for _ in range(6):
        declare(world, HAIR_DRYER, CLEANER)
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": f"A{i + 1}",
                "description": "围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 1,
            }
            for i in range(20)
        ],
    )
    assert count_queries(client, reverse("imports:verification_queue")) == queue
    assert count_queries(client, reverse("imports:export_list")) == exports
    dangerous = CatalogueEdition.objects.get(kind="dangerous_goods")
    assert count_queries(client, dangerous.get_absolute_url()) <= 10
    assert count_queries(client, reverse("catalogues:catalogue_list")) <= 10
