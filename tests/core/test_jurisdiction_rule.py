"""One jurisdiction rule ("this bureau or one of its branches"), and the scoping gate's registry of
visibility paths that other apps declare for a model."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q

from accounts.choices import Role
from accounts.models import Bureau
from cbec_supervision.scoping import register_paths, registered_paths, unregister_paths
from cbec_supervision.workflow import may_review, require_reviewer
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling, ProductTestReport
from tests.factories import BranchBureauFactory, ChangeRequestFactory, ProductFilingFactory, UserFactory, bureau
from tests.scoping import port_batch, user_for

pytestmark = pytest.mark.django_db


# --- the rule -----------------------------------------------------------------------------------


def test_the_query_and_the_loaded_row_apply_the_same_rule_to_every_pair_of_bureaus(world):
    BranchBureauFactory(parent=world.zj)
    bureaus = list(Bureau.objects.all())
    for staff_bureau in bureaus:
        in_sql = set(Bureau.objects.jurisdiction_of(staff_bureau).values_list("pk", flat=True))
        in_python = {b.pk for b in bureaus if b.is_in_jurisdiction_of(staff_bureau.pk)}
        assert in_sql == in_python, staff_bureau.code


def test_staff_answer_for_their_bureau_and_its_branches_only(world):
    branch = BranchBureauFactory(parent=world.zj)
    branch_inspector = UserFactory(role=Role.INSPECTOR, bureau=branch)

    assert set(world.zj_inspector.jurisdiction()) == {world.zj, branch}
    assert set(branch_inspector.jurisdiction()) == {branch}
    assert world.zj_inspector.has_jurisdiction_over(branch) and world.zj_inspector.has_jurisdiction_over(world.zj)
    assert not branch_inspector.has_jurisdiction_over(world.zj)
    assert not world.zj_inspector.has_jurisdiction_over(bureau("NB"))  # Ningbo is a direct bureau of its own
    assert not world.zj_inspector.has_jurisdiction_over(None)


@pytest.mark.parametrize("username", ["hq", "alice"])
def test_headquarters_and_enterprise_users_answer_for_no_bureau(world, username):
    user = getattr(world, username)
    assert not user.jurisdiction().exists()
    assert not user.has_jurisdiction_over(world.zj)


def test_the_rule_is_written_once(world):
    """Nothing outside accounts/models.py compares a bureau's parent by hand."""
    root = Path(settings.BASE_DIR)
    by_hand = re.compile(r"parent_id\s*(==|!=|=)|__parent_id\b|bureau__parent\s*=")
    offenders = []
    for app in ("accounts", "cbec_supervision", "catalogues", "filings", "imports", "demo"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path == root / "accounts" / "models.py":
                continue
            lines = enumerate(path.read_text().splitlines(), 1)
            offenders += [f"{path.relative_to(root)}:{n}" for n, line in lines if by_hand.search(line)]
    assert offenders == []


def test_the_scoping_gate_imports_no_domain_app_at_run_time():
    """cbec_supervision sits below accounts: it asks the user object for its jurisdiction."""
    tree = ast.parse((Path(settings.BASE_DIR) / "cbec_supervision" / "scoping.py").read_text())
    type_checking = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    guarded = {id(child) for block in type_checking for child in ast.walk(block)}
    modules = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in guarded
        for alias in node.names
    ]
    assert not [m for m in modules if m and m.split(".")[0] in {"accounts", "filings", "imports", "catalogues"}]


# --- deciding: jurisdiction and the review permissions ------------------------------------------


def test_a_reviewer_needs_the_jurisdiction_and_the_permission(world):
    assert may_review(world.zj_inspector, world.zj, "filings.review_enterprisefiling")
    require_reviewer(world.zj_inspector, world.zj, "filings.review_enterprisefiling")
    for user in (world.gd_inspector, world.hq, world.alice):
        assert not may_review(user, world.zj, "filings.review_enterprisefiling")
        with pytest.raises(PermissionDenied):
            require_reviewer(user, world.zj, "filings.review_enterprisefiling")
    world.zj_inspector.groups.clear()
    no_permission = type(world.zj_inspector).objects.get(pk=world.zj_inspector.pk)  # a fresh permission cache
    assert may_review(no_permission, world.zj)  # the jurisdiction alone, where no permission is named
    assert not may_review(no_permission, world.zj, "filings.review_enterprisefiling")
    with pytest.raises(PermissionDenied, match="may not decide"):
        require_reviewer(no_permission, world.zj, "filings.review_enterprisefiling")
    require_reviewer("task:reclassify", world.zj, "filings.review_enterprisefiling")  # the system acts


# --- the registry -------------------------------------------------------------------------------


@pytest.fixture
def registered():
    """Register paths for the test, and take them back afterwards."""
    done = []

    def register(model, **paths):
        register_paths(model, **paths)
        done.append((model, paths))

    yield register
    for model, paths in done:
        unregister_paths(model, **paths)


def test_the_imports_app_registers_the_port_bureau_s_paths_from_its_app_config():
    bureau_paths, enterprise_paths = registered_paths(ProductFiling)
    assert "import_items__batch__port_bureau" in bureau_paths and enterprise_paths == ()
    bureau_paths, _ = registered_paths(EnterpriseFiling)
    assert {
        "import_batches__port_bureau",
        "platform_import_batches__port_bureau",
        "warehouse_import_batches__port_bureau",
    } <= set(bureau_paths)


def test_a_registered_bureau_path_lets_that_bureau_see_another_app_s_rows(world, registered):
    product = ProductFilingFactory(enterprise=world.alice_co)
    change = ChangeRequestFactory(enterprise=world.alice_co, product=product, submitted_by=world.alice)
    port_batch(world, product=product)
    port_inspector = user_for(world, "port_bureau_inspector")
    assert change not in ChangeRequest.objects.visible_to(port_inspector)

    registered("filings.ChangeRequest", bureau_paths=["product__import_items__batch__port_bureau"])

    assert list(ChangeRequest.objects.visible_to(port_inspector)) == [change]
    assert change not in ChangeRequest.objects.visible_to(world.gd_inspector)
    assert change in ChangeRequest.objects.visible_to(world.zj_inspector)  # the model's own paths still hold


def test_a_registered_enterprise_path_and_a_callable_path(world, registered):
    platform = world.bob_co
    product = ProductFilingFactory(enterprise=world.alice_co)
    port_batch(world, product=product, platform=platform)
    assert product not in ProductFiling.objects.visible_to(world.bob)

    registered("filings.ProductFiling", enterprise_paths=["import_items__batch__platform"])
    assert list(ProductFiling.objects.visible_to(world.bob)) == [product]

    acme = ProductFilingFactory(enterprise=world.bob_co, brand="ACME")
    assert acme not in ProductFiling.objects.visible_to(world.zj_inspector)
    given = []

    def acme_for_every_bureau(jurisdiction):
        given.append(jurisdiction)
        return Q(brand="ACME")

    registered("filings.ProductFiling", bureau_paths=[acme_for_every_bureau])
    assert acme in ProductFiling.objects.visible_to(world.zj_inspector)
    assert acme not in ProductFiling.objects.visible_to(world.alice)  # a bureau path: staff only
    assert {row["pk"] for row in given[-1]} == {world.zj.pk}  # called with the jurisdiction subquery


def test_registering_twice_counts_once_and_a_wrong_path_fails_at_once(world, registered):
    before = registered_paths(ProductFiling)
    register_paths("filings.ProductFiling", bureau_paths=["import_items__batch__port_bureau"])
    assert registered_paths(ProductFiling) == before
    with pytest.raises(FieldDoesNotExist):
        register_paths("filings.ProductFiling", bureau_paths=["import_lines__batch__port_bureau"])
    with pytest.raises(ValueError, match="not a relation"):
        register_paths("filings.ProductFiling", bureau_paths=["name__port_bureau"])
    assert registered_paths(ProductFiling) == before


def test_a_path_through_many_rows_neither_multiplies_rows_nor_adds_a_query(world, django_assert_num_queries):
    product = ProductFilingFactory(enterprise=world.alice_co)
    for _ in range(3):
        port_batch(world, product=product)
    port_inspector = user_for(world, "port_bureau_inspector")
    with django_assert_num_queries(1):
        assert list(ProductFiling.objects.visible_to(port_inspector)) == [product]
    sql = str(ProductFiling.objects.visible_to(port_inspector).query).upper()
    assert "EXISTS" in sql and "DISTINCT" not in sql
    assert ProductFiling.objects.visible_to(port_inspector).count() == 1


def test_a_test_report_follows_its_product(world):
    draft = ProductFilingFactory(enterprise=world.alice_co)
    report = ProductTestReport.objects.create(
        product=draft, lab="CTI", report_no="R-1", issued_on=dt.date(2026, 1, 5), verdict="pass"
    )
    assert report in ProductTestReport.objects.visible_to(world.alice)
    assert report in ProductTestReport.objects.visible_to(world.zj_inspector)
    assert report not in ProductTestReport.objects.visible_to(world.gd_inspector)
    assert report not in ProductTestReport.objects.visible_to(world.bob)
    port_batch(world, product=draft)
    assert report in ProductTestReport.objects.visible_to(user_for(world, "port_bureau_inspector"))
