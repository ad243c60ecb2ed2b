"""Navigation per role, and the unread-notification count, for the base template."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cbec_supervision.models import Notification


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    #: a count shown beside the label (the unread notifications)
    badge: int = 0
    testid: str = ""
    #: a menu: the items it opens (url and icon of the menu itself are unused)
    children: tuple[NavItem, ...] = ()

    def flat(self) -> tuple[NavItem, ...]:
        return self.children or (self,)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # One query, on every page: the inbox badge.
    unread = Notification.objects.visible_to(user).unread().count()
    items = [NavItem(_("Home"), reverse("home"), "house", testid="nav-home")]
    if user.is_enterprise_user:
        if user.enterprise_id:
            items.append(
                NavItem(
                    _("My enterprise"),
                    reverse("filings:enterprise_detail", args=[user.enterprise_id]),
                    "building",
                    testid="nav-enterprise",
                )
            )
            items.append(NavItem(_("My products"), reverse("filings:product_list"), "box-seam", testid="nav-products"))
            items.append(
                NavItem(_("Imports"), reverse("imports:batch_list"), "box-arrow-in-down", testid="nav-imports")
            )
            items.append(NavItem(_("Exports"), reverse("imports:export_list"), "box-arrow-up", testid="nav-exports"))
            items.append(
                NavItem(
                    _("Partnerships"), reverse("partnerships:partnership_list"), "link-45deg", testid="nav-partnerships"
                )
            )
            # What the bureaus and the enterprise do about risks: its reports, the samplings of its goods, the
            # measures ordered to it, the consumer notices it writes (one menu: the bar stays on one line)
            items.append(
                NavItem(
                    _("Risk"),
                    "",
                    "exclamation-triangle",
                    testid="nav-risk-menu",
                    children=(
                        NavItem(
                            _("Report a risk"),
                            reverse("risk_monitoring:signal_list"),
                            "exclamation-triangle",
                            testid="nav-risk-report",
                        ),
                        NavItem(
                            _("My measures"),
                            reverse("traceability:measure_list"),
                            "clipboard2-check",
                            testid="nav-measures",
                        ),
                        NavItem(
                            _("Samplings"),
                            reverse("risk_monitoring:sampling_list"),
                            "eyedropper",
                            testid="nav-samplings",
                        ),
                        NavItem(
                            _("Consumer risk notices"),
                            reverse("traceability:consumer_notice_list"),
                            "shield-exclamation",
                            testid="nav-consumer-notices",
                        ),
                    ),
                )
            )
        items.append(
            NavItem(_("Notifications"), reverse("notification_list"), "bell", badge=unread, testid="nav-notifications")
        )
        items.append(NavItem(_("API"), reverse("api-start"), "braces", testid="nav-api"))
    else:
        if user.is_bureau_staff:
            items.append(NavItem(_("My work"), reverse("my_work"), "person-check", testid="nav-my-work"))
            items.append(
                NavItem(_("Review queue"), reverse("filings:review_queue"), "inbox", testid="nav-review-queue")
            )
            items.append(
                NavItem(
                    _("On-site verifications"),
                    reverse("imports:verification_queue"),
                    "clipboard-check",
                    testid="nav-verifications",
                )
            )
        # Staff see many pages: filings and imports are menus, so the bar stays on one line.
        items.append(
            NavItem(
                _("Filings"),
                "",
                "folder2-open",
                testid="nav-filings-menu",
                children=(
                    NavItem(
                        _("Enterprise filings"),
                        reverse("filings:enterprise_list"),
                        "building",
                        testid="nav-enterprises",
                    ),
                    NavItem(_("Product filings"), reverse("filings:product_list"), "box-seam", testid="nav-products"),
                    NavItem(
                        _("Partnerships"),
                        reverse("partnerships:partnership_list"),
                        "link-45deg",
                        testid="nav-partnerships",
                    ),
                ),
            )
        )
        imports = [
            NavItem(_("Import batches"), reverse("imports:batch_list"), "box-arrow-in-down", testid="nav-batches"),
            NavItem(_("Catalogues"), reverse("catalogues:catalogue_list"), "journal-text", testid="nav-catalogues"),
        ]
        if user.is_bureau_staff:
            imports[1:1] = [
                NavItem(_("Classify"), reverse("imports:classify"), "funnel", testid="nav-classify"),
            ]
        items.append(NavItem(_("Imports"), "", "box-arrow-in-down", testid="nav-imports-menu", children=tuple(imports)))
        items.append(
            NavItem(
                _("Risk"),
                "",
                "exclamation-triangle",
                testid="nav-risk-menu",
                children=(
                    NavItem(
                        _("Risk signals"),
                        reverse("risk_monitoring:signal_list"),
                        "exclamation-triangle",
                        testid="nav-risk-signals",
                    ),
                    NavItem(
                        _("Risk scores"),
                        reverse("risk_monitoring:score_list"),
                        "speedometer2",
                        testid="nav-risk-scores",
                    ),
                    NavItem(
                        _("Samplings"), reverse("risk_monitoring:sampling_list"), "eyedropper", testid="nav-samplings"
                    ),
                    NavItem(
                        _("Laboratories"), reverse("risk_monitoring:lab_list"), "building-check", testid="nav-labs"
                    ),
                    NavItem(
                        _("Sampling plans"),
                        reverse("risk_monitoring:plan_list"),
                        "shuffle",
                        testid="nav-sampling-plans",
                    ),
                    NavItem(
                        _("Inter-bureau notices"),
                        reverse("traceability:notice_list"),
                        "send",
                        testid="nav-notices",
                    ),
                    NavItem(
                        _("Measures"),
                        reverse("traceability:measure_list"),
                        "clipboard2-check",
                        testid="nav-measures",
                    ),
                    NavItem(
                        _("Consumer risk notices"),
                        reverse("traceability:consumer_notice_list"),
                        "shield-exclamation",
                        testid="nav-consumer-notices",
                    ),
                    NavItem(
                        _("Strict supervision proposals"),
                        reverse("traceability:escalation_list"),
                        "shield-lock",
                        testid="nav-escalations",
                    ),
                    *(
                        (
                            NavItem(
                                _("Investigations"),
                                reverse("traceability:investigation_list"),
                                "search",
                                testid="nav-investigations",
                            ),
                        )
                        if user.is_bureau_staff or user.is_hq
                        else ()
                    ),
                    *(
                        (
                            NavItem(
                                _("Risk dashboard"),
                                reverse("risk_monitoring:dashboard"),
                                "bar-chart-line",
                                testid="nav-risk-dashboard",
                            ),
                        )
                        if user.is_bureau_staff or user.is_hq
                        else ()
                    ),
                ),
            )
        )
        if user.is_bureau_staff or user.is_hq:
            # Anti-counterfeiting is staff work: enterprises neither see nor file leads and cases.
            items.append(
                NavItem(
                    pgettext("navigation", "Anti-counterfeiting"),
                    "",
                    "patch-exclamation",
                    testid="nav-counterfeit-menu",
                    children=(
                        NavItem(
                            _("Counterfeit leads"),
                            reverse("anticounterfeit:lead_list"),
                            "inbox",
                            testid="nav-counterfeit-leads",
                        ),
                        NavItem(
                            _("Counterfeit cases"),
                            reverse("anticounterfeit:case_list"),
                            "briefcase",
                            testid="nav-counterfeit-cases",
                        ),
                        NavItem(
                            _("Rights holders"),
                            reverse("anticounterfeit:rights_holder_list"),
                            "award",
                            testid="nav-rights-holders",
                        ),
                    ),
                )
            )
        if user.is_bureau_staff or user.is_hq:
            items.append(
                NavItem(_("Reports"), reverse("reports:report_list"), "file-earmark-bar-graph", testid="nav-reports")
            )
        items.append(NavItem(_("Bureaus"), reverse("accounts:bureau_list"), "diagram-3", testid="nav-bureaus"))
        items.append(NavItem(_("API"), reverse("api-start"), "braces", testid="nav-api"))
        if unread:
            items.append(
                NavItem(
                    _("Notifications"), reverse("notification_list"), "bell", badge=unread, testid="nav-notifications"
                )
            )
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), "gear", testid="nav-admin"))
    path = request.path
    links = [link for item in items for link in item.flat()]
    active = max((i for i in links if i.url and path.startswith(i.url)), key=lambda i: len(i.url), default=None)
    if active is not None and active.url == "/" and path != "/":
        active = None
    active_menu = next((item for item in items if active is not None and active in item.children), None)
    return {
        "nav_items": items,
        "nav_links": links,
        "nav_active": active,
        "nav_active_menu": active_menu,
        "unread_notifications": unread,
    }
