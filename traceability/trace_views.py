"""The trace page of a product: its timeline and its graph of parties (``/traceability/trace/product/5/``).

Staff and headquarters only (enterprises: 404); the product is looked up through
``ProductFiling.objects.visible_to(user)``, and the trace leaves out what the reader may not see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from filings.models import ProductFiling
from traceability.trace import product_trace


@login_required
@require_GET
def product_trace_page(request, pk: int):
    user = request.user
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404
    product = get_object_or_404(ProductFiling.objects.visible_to(user).only("pk", "name"), pk=pk)
    return render(
        request, "traceability/product_trace.html", {"product": product, "trace": product_trace(product, user)}
    )
