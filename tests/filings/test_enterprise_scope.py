"""Enterprise filings are scoped: Alice Co's filing is seen by Alice, the ZJ bureau and headquarters."""

from __future__ import annotations

from tests.factories import EnterpriseFilingFactory
from tests.scoping import ScopedAccessTests, ScopedPageTests


class TestEnterpriseFilingScope(ScopedAccessTests, ScopedPageTests):
    route = "enterprises"
    visible_to = frozenset({"owner", "same_bureau_inspector", "hq"})
    editable_by = frozenset({"owner"})
    update_payload = {"contact_name": "王五"}
    html_detail_url_name = "filings:enterprise_detail"

    def make_object(self, world):
        return world.alice_co

    def make_more_objects(self, world, count):
        EnterpriseFilingFactory.create_batch(count, bureau=world.zj)
