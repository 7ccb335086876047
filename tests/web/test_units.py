"""Pure parts of the web app: chart geometry, paging helpers, the agency tree and error mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from kho.core.exceptions import BadInputError, ConflictError, NotFoundError
from kho.web.charts import bar_chart, nice_ceiling, pace_chart
from kho.web.errors import error_details, error_message
from kho.web.paging import Page, bounded_count, page_number, paginate, sort_by
from kho.web.views.agencies import build_tree


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (48, 50), (51, 100)])
def test_nice_ceiling(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_bar_chart_layout():
    days = [(dt.date(2025, 6, 1) + dt.timedelta(days=n), n % 4) for n in range(30)]
    chart = bar_chart(days)
    assert len(chart.bars) == 30 and chart.maximum == 5 and chart.total == sum(v for _, v in days)
    assert [t.value for t in chart.ticks] == [0, 1, 2, 3, 4, 5]
    tallest = max(chart.bars, key=lambda b: b.value)
    assert tallest.y + tallest.height == pytest.approx(chart.bottom)
    assert all(b.x + b.width <= chart.width for b in chart.bars)
    assert [b.show_label for b in chart.bars].count(True) == 7
    assert bar_chart([]).bars == []


def test_pace_chart_scales_to_the_larger_pace():
    chart = pace_chart(10, 40)
    assert chart.needed_length > chart.pace_length > 0 and not chart.on_track
    assert pace_chart(50, 40).on_track and pace_chart(0, None).needed is None


def test_page_numbers_are_clamped():
    assert [page_number(v) for v in (None, "", "0", "-3", "2", "x", "999999")] == [1, 1, 1, 1, 2, 1, 2000]


@pytest.mark.django_db
def test_paginate_sort_and_bounded_count(world):
    from kho.agencies.models import Agency

    qs = Agency.objects.all()
    ordered, key = sort_by(qs, "-code", {"code": ("code",), "-code": ("-code",)}, "code")
    assert key == "-code" and ordered[0].code == "H49.64.34"
    assert sort_by(qs, "password", {"code": ("code",)}, "code")[1] == "code"
    page: Page = paginate(ordered, 2, size=3)
    assert [a.code for a in page.items] == ["H49"] and not page.has_next and page.has_previous
    assert (page.start, page.end) == (4, 4)
    assert paginate(ordered, 1, size=3).has_next
    count = bounded_count(qs, cap=2)
    assert count.value == 2 and count.capped
    assert bounded_count(qs, cap=10).value == 4 and not bounded_count(qs, cap=10).capped


@pytest.mark.django_db
def test_tree_nests_children_and_orphans_become_roots(world):
    agencies = [world.agencies[k] for k in ("district", "a", "b")]
    roots = build_tree(agencies)
    assert [r.agency.code for r in roots] == ["H49.64"]
    assert [c.agency.code for c in roots[0].children] == ["H49.64.33", "H49.64.34"]


def test_error_messages_never_reveal_the_hidden():
    hidden = NotFoundError("Không có hồ sơ mã “%(code)s”.", code="BI-MAT")
    assert "BI-MAT" not in error_message(hidden) and error_details(hidden) == []
    problem = BadInputError("Sai: %(what)s", details=["a", "b"], what="năm")
    assert error_message(problem) == "Sai: năm" and error_details(problem) == ["a", "b"]
    assert ConflictError().http_status == 409
