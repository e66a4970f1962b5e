"""The home dashboard: the key figures and charts of the user's warehouses, each figure linking
to the page or report it comes from. What the user's rights do not show is not on the page at
all: stock values need "View purchase price", sales "View reports", gross profit both; the
documents are those of the types (and warehouses) the user may view. The low-stock count is the
sidebar badge's (`reports.templatetags.report_tags.low_stock_badge`), read once per request."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.catalogue import DOCUMENT_TYPES, VIEW_REPORTS, document_right
from accounts.permissions import Actor, can, can_somewhere, warehouse_scope
from inventory.access import shows_purchase_price
from inventory.formatting import currency_symbol, format_amount
from reports.access import report_scope, report_warehouses, reports_view
from reports.selectors.dashboard import (
    document_counts,
    month_end,
    reservation_counts,
    sales_by_month,
    sales_by_week,
    stock_value_by_warehouse,
    top_products_by_profit,
)

WEEKS = 12
TOP_PRODUCTS = 10
TOP_PRODUCTS_DAYS = 30


def url_of(name: str, *args, **query) -> str | None:
    """The URL of `name` with `query` as its query string; None when there is no such page
    (a report not installed yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def gross_profit_url(date_from: date, date_to: date) -> str | None:
    return url_of("reports:gross_profit", date_from=date_from.isoformat(), date_to=date_to.isoformat())


def chart_number(value: Decimal | None) -> float | None:
    """A figure as the chart script reads it (JSON has no decimals)."""
    return None if value is None else float(round(value, 2))


def series(label: str, values: list, kind: str = "bar") -> dict:
    """One data set of a chart: its numbers and the same figures as the page writes them."""
    return {
        "label": label,
        "kind": kind,
        "data": [chart_number(v) for v in values],
        "text": [format_amount(v) if v is not None else "—" for v in values],
    }


def chart(labels: list[str], *datasets: dict, horizontal: bool = False) -> dict:
    return {
        "labels": labels,
        "datasets": list(datasets),
        "horizontal": horizontal,
        "currency": currency_symbol(settings.DEFAULT_CURRENCY),
    }


def document_figures(user: Actor, today: date) -> list[dict]:
    """Per document type the user may view: processed today and drafts waiting, with the links
    to the document list filtered so."""
    scopes = {
        doc_type: warehouse_scope(user, document_right("view", doc_type))
        for doc_type in DOCUMENT_TYPES
        if can_somewhere(user, document_right("view", doc_type))
    }
    counts = document_counts(scopes=scopes, today=today)
    day = today.isoformat()
    return [
        {
            "doc_type": doc_type,
            "label": _(DOCUMENT_TYPES[doc_type]),
            **counts[doc_type],
            "processed_url": url_of(
                "inventory:document_list", doc_type, status="processed", date_from=day, date_to=day
            ),
            "drafts_url": url_of("inventory:document_list", doc_type, status="draft"),
        }
        for doc_type in scopes
    ]


def sales_figures(scope, today: date, *, profit: bool) -> dict:
    """This month's and last month's sales (and gross profit), the last `WEEKS` weeks' chart
    and (with `profit`) the top products of the last `TOP_PRODUCTS_DAYS` days."""
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    months = sales_by_month(warehouse_ids=scope, months=[last_month, this_month])
    this_monday = today - timedelta(days=today.weekday())
    weeks = sales_by_week(warehouse_ids=scope, first_monday=this_monday - timedelta(weeks=WEEKS - 1), weeks=WEEKS)
    for week in weeks:
        week["label"] = date_format(week["week"], "j M")
        week["url"] = gross_profit_url(week["week"], week["week"] + timedelta(days=6))
    labels = [week["label"] for week in weeks]
    weekly = [series(_("Sales"), [w["revenue"] for w in weeks])]
    if profit:
        weekly.append(series(_("Gross profit"), [w["profit"] for w in weeks], kind="line"))
    figures: dict[str, Any] = {
        "this_month": {**months[this_month], "url": gross_profit_url(this_month, month_end(this_month))},
        "last_month": {**months[last_month], "url": gross_profit_url(last_month, month_end(last_month))},
        "this_month_name": date_format(this_month, "F Y"),
        "last_month_name": date_format(last_month, "F Y"),
        "weeks": weeks,
        "weekly_chart": chart(labels, *weekly),
    }
    if profit:
        top_from = today - timedelta(days=TOP_PRODUCTS_DAYS - 1)
        top = top_products_by_profit(warehouse_ids=scope, date_from=top_from, date_to=today, limit=TOP_PRODUCTS)
        for row in top:
            row["url"] = url_of("inventory:product_detail", row["product_id"])
        figures["top"] = top
        figures["top_limit"], figures["top_days"] = TOP_PRODUCTS, TOP_PRODUCTS_DAYS
        figures["top_url"] = gross_profit_url(top_from, today)
        figures["top_chart"] = chart(
            [row["product_name"] for row in top],
            series(_("Gross profit"), [row["profit"] for row in top]),
            horizontal=True,
        )
    return figures


def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard page (the home page of a user who sees a warehouse: `reports.access.sees_dashboard`):
    the figures that read balances, reservations and documents. The sales figures, which read the
    sales movements of the last weeks, come in a second request (`dashboard_sales`), so that a
    large sales history does not hold the page up; but when static/js/live.js fetches the page
    again (header `X-Live`), the page brings them, so that they are updated in place too."""
    user = request.user
    scope = report_scope(user)
    today = timezone.localdate()
    shows_costs = shows_purchase_price(user)
    shows_sales = can(user, VIEW_REPORTS)
    stock_url = reverse("inventory:stock")
    documents = document_figures(user, today)
    context: dict = {
        "today": today,
        "scope_names": None if scope is None else [w.name for w in report_warehouses(user)],
        "low_stock_url": url_of("reports:low_stock") if shows_sales else url_of("inventory:stock", below_minimum="on"),
        "reservations": {**reservation_counts(warehouse_ids=scope, now=timezone.now()), "url": stock_url},
        "documents": documents,
        "documents_total": {key: sum(row[key] for row in documents) for key in ("processed_today", "drafts")},
        "shows_sales": shows_sales,
        # The cards of the top row: low stock and reservations always, the others by right.
        "figure_count": 2 + bool(shows_costs) + bool(documents),
    }
    if shows_sales and request.headers.get("X-Live"):
        # Fetched again by static/js/live.js, which puts the sales part in place too.
        context.update(sales_context(user))
    if shows_costs:
        warehouses = stock_value_by_warehouse(warehouse_ids=scope)
        for row in warehouses:
            row["url"] = url_of("inventory:stock", warehouse=row["warehouse_id"])
        context["stock_value"] = {
            "total": sum((row["value"] for row in warehouses), Decimal(0)),
            "url": url_of("reports:stock") or stock_url,
            "warehouses": warehouses,
            "chart": chart(
                [row["warehouse_name"] for row in warehouses],
                series(_("Stock value"), [row["value"] for row in warehouses]),
            ),
        }
    response = render(request, "reports/dashboard.html", context)
    patch_vary_headers(response, ["X-Live"])
    return response


def sales_context(user: Actor) -> dict:
    """What the dashboard's sales part (reports/_dashboard_sales.html) shows to `user`."""
    shows_profit = shows_purchase_price(user)
    return {
        "sales": sales_figures(report_scope(user), timezone.localdate(), profit=shows_profit),
        "shows_profit": shows_profit,
    }


@require_GET
@reports_view
def dashboard_sales(request: HttpRequest) -> HttpResponse:
    """The dashboard's sales part: `?part=1` the fragment the dashboard's script puts into the
    page, else (without JavaScript) a page of its own."""
    template = "reports/_dashboard_sales.html" if request.GET.get("part") == "1" else "reports/dashboard_sales.html"
    return render(request, template, sales_context(request.user))
