"""The dashboard: progress of an agency (rolled up over its subtree) and of every top-level agency."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kho.access.levels import Action
from kho.access.policies import get_visible_or_404
from kho.access.selectors import agencies_for
from kho.agencies.models import Agency
from kho.web.charts import bar_chart, pace_chart
from kho.web.errors import page_view
from kho.web.stats import agency_stats, rollup, top_agencies


@page_view
def dashboard(request: HttpRequest) -> HttpResponse:
    """Top agencies (provinces) rolled up, and the chosen agency's figures, charts and sub-agencies."""
    tops = top_agencies(request.user)
    code = request.GET.get("agency")
    agency: Agency | None
    if code:
        agency = get_visible_or_404(request.user, Action.VIEW, agencies_for(request.user, Action.VIEW), code=code)
    else:
        agency = tops[0] if tops else None
    stats = agency_stats(request.user, agency) if agency else None
    context = {
        "agency": agency,
        "stats": stats,
        "tops": [rollup(request.user, top) for top in tops],
        "choices": tops if agency is None or agency in tops else [*tops, agency],
        "bars": bar_chart(stats.pages_per_day) if stats else None,
        "pace": pace_chart(stats.pace, stats.needed_pace) if stats else None,
    }
    return render(request, "web/dashboard.html", context)
