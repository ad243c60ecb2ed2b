"""The public consumer risk notice pages (no login): the list with search and a hazard filter, each
notice, its image, and the Atom feed. Only published notices; the text in the reader's language (their
choice, else Accept-Language, else zh-hans), falling back to the other language where one is missing.

The pages are cached briefly by the browser only (they carry the reader's language switch and its
CSRF token); the feed, the same for every reader of a language, by shared caches too. Both vary by
language (the Accept-Language header and the language cookie).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from traceability.escalation_pages import PublicConsumerNoticeFilterSet
from traceability.models import ConsumerNotice
from traceability.views_consumer_notices import image_response

PAGE_SIZE = 20
FEED_SIZE = 50


def published() -> QuerySet[ConsumerNotice]:
    return ConsumerNotice.objects.published().select_related("bureau", "enterprise").order_by("-published_at", "-id")


def _public(view):
    """Browser-only caching for five minutes, varying by language."""
    return vary_on_headers("Accept-Language", "Cookie")(cache_control(private=True, max_age=300)(view))


@require_GET
@_public
def notice_list(request):
    filterset = PublicConsumerNoticeFilterSet(request.GET or None, queryset=published(), request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else published()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "traceability/public_notice_list.html",
        {"filter": filterset, "page_obj": page, "notices": page.object_list, "query": query.urlencode()},
    )


@require_GET
@_public
def notice_detail(request, pk: int):
    notice = get_object_or_404(published(), pk=pk)
    return render(request, "traceability/public_notice_detail.html", {"notice": notice})


@require_GET
@_public
def notice_image(request, pk: int):  # noqa: ARG001 - a view takes the request
    return image_response(get_object_or_404(published(), pk=pk))


class ConsumerNoticeFeed(Feed):
    """The Atom feed of the latest published notices, in the request's language (the feed's language
    attribute is the active one: Django's ``Feed`` sets it)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Consumer risk notices")
    subtitle = gettext_lazy(
        "Product risks found by the inspection and quarantine bureaus, and what consumers should do."
    )

    def link(self) -> str:
        return reverse("public_notices:list")

    def items(self) -> list[ConsumerNotice]:
        return list(published()[:FEED_SIZE])

    def item_title(self, item: ConsumerNotice) -> str:
        return item.title

    def item_description(self, item: ConsumerNotice) -> str:
        parts = [
            f"{_('Product')}: {item.product_text}",
            f"{_('Hazard')}: {item.get_hazard_display()}",
            f"{_('What to do')}: {item.what_to_do}",
        ]
        if item.description:
            parts.append(item.description)
        return "\n\n".join(parts)

    def item_link(self, item: ConsumerNotice) -> str:
        return item.get_public_url()

    def item_pubdate(self, item: ConsumerNotice):
        return item.published_at

    def item_updateddate(self, item: ConsumerNotice):
        return item.updated_at

    def item_categories(self, item: ConsumerNotice) -> list[str]:
        return [str(item.get_hazard_display())]

    def item_author_name(self, item: ConsumerNotice) -> str:
        return item.enterprise.name if item.enterprise_id else item.bureau.local_name


notice_feed = vary_on_headers("Accept-Language", "Cookie")(
    cache_control(public=True, max_age=600)(require_GET(ConsumerNoticeFeed()))
)
