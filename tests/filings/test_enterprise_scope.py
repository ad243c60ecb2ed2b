"""Enterprise filings are scoped: Alice Co's draft filing is seen by Alice, the ZJ bureau,
headquarters and the port bureau of a batch it declared; not by another bureau (an approved
filing is: tests/filings/test_national_sharing.py)."""

from __future__ import annotations

from tests.factories import EnterpriseFilingFactory
from tests.scoping import ScopedAccessTests, ScopedPageTests


class TestEnterpriseFilingScope(ScopedAccessTests, ScopedPageTests):
    route = "enterprises"
    visible_to = frozenset({"owner", "same_bureau_inspector", "port_bureau_inspector", "hq"})
    editable_by = frozenset({"owner"})
    update_payload = {"contact_name": "王五"}
    html_detail_url_name = "filings:enterprise_detail"

    def make_object(self, world):
        return world.alice_co

    def make_more_objects(self, world, count):
        EnterpriseFilingFactory.create_batch(count, bureau=world.zj)
