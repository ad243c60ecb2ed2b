"""The one way HTML list pages filter and paginate, with the same FilterSet as the API."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 50


def render_list(request, *, queryset, filterset_class, template: str, context: dict | None = None):
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": filterset,
            "page_obj": page,
            "rows": page.object_list,
            "querystring": query.urlencode(),
            **(context or {}),
        },
    )
