"""What every report page shares: its columns, filters, sorting, pagination and exports.

A report is a `Report` subclass registered with `@register`: it names its filters (a
django-filter FilterSet), its columns (what the user may see of them) and its rows (a queryset
of dicts, from its selector, filtered by the user's warehouses); `report_view` makes the page,
`?format=csv` / `?format=xlsx` the same rows as a file (`reports.services.exports`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import django_filters
from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import Actor
from reports.access import report_scope, report_warehouses, reports_view
from reports.services.exports import export_response

TEXT, QUANTITY, MONEY, PERCENT, DATE = "text", "quantity", "money", "percent", "date"
MONTH = "month"  # a date, shown as its month and year


@dataclass(frozen=True)
class Column:
    """One column: the row's `key`, its heading, what it holds (`kind`: how it is shown and
    exported), whether it sorts, and `link`: the URL of what makes a figure up (row → URL or None)."""

    key: str
    label: Any
    kind: str = TEXT
    sortable: bool = True
    link: Callable[[Mapping], str | None] | None = None
    labels: Mapping | None = None  # what a stored value is shown as (e.g. a type's name), page and export

    def value(self, row: Mapping):
        value = row.get(self.key)
        return self.labels.get(value, value) if self.labels is not None else value

    @property
    def is_number(self) -> bool:
        return self.kind in (QUANTITY, MONEY, PERCENT)


class Report:
    """One report: subclasses set `name` (its URL name under `reports:`), `title`, `filterset_class`
    and `default_sort`, and define `columns` and `rows`."""

    name: ClassVar[str]
    title: ClassVar[Any]
    filterset_class: ClassVar[type[django_filters.FilterSet]]
    default_sort: ClassVar[str]
    template_name: ClassVar[str] = "reports/report.html"
    page_size: ClassVar[int] = 50

    def __init__(self, user: Actor, data: QueryDict):
        self.user = user
        self.data = data
        self.scope = report_scope(user)
        bound = data.copy()
        for key, value in self.defaults().items():
            if not bound.get(key):
                bound[key] = value
        self.filterset = self.filterset_class(bound, queryset=None, warehouses=report_warehouses(user))
        self.filterset.form.is_valid()  # a filter not understood is left out (the bar says so)
        self.filters: dict = self.filterset.form.cleaned_data

    def defaults(self) -> dict[str, str]:
        """The filters' values when not given (e.g. the period: this month), as typed in a URL."""
        return {}

    def filtered(self, queryset):
        """`queryset` narrowed by the filters the report's FilterSet applies itself."""
        return self.filterset.filter_queryset(queryset)

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def rows(self):
        """The rows (a queryset of dicts, unsorted) of the filters, in the user's warehouses."""
        raise NotImplementedError

    def totals(self, rows) -> Mapping | None:
        """The totals row of all `rows` (keys of the columns it fills), or None."""
        return None

    def context(self) -> dict:
        """More for the page's template."""
        return {}

    def sort_key(self) -> str:
        """The `?sort=` asked for when it names a sortable column (a leading "-": descending),
        else the default."""
        asked = self.data.get("sort", "")
        sortable = {c.key for c in self.columns() if c.sortable}
        return asked if asked.removeprefix("-") in sortable else self.default_sort_key()

    def default_sort_key(self) -> str:
        return self.default_sort

    def ordering(self, sort: str) -> list:
        """The `order_by` of a sort key: the column, then the row's identity (stable pages)."""
        return [sort, *self.tiebreak()]

    def tiebreak(self) -> list[str]:
        return []

    def sorted_rows(self):
        return self.rows().order_by(*self.ordering(self.sort_key()))

    def export_name(self) -> str:
        return self.name


REPORTS: dict[str, type[Report]] = {}


def register(report: type[Report]) -> type[Report]:
    """Make `report` a page (`reports:<name>`) and an export the background job can rebuild."""
    REPORTS[report.name] = report
    return report


def sort_headers(report: Report, columns: Iterable[Column]) -> list[dict]:
    sort = report.sort_key()
    headers = []
    for column in columns:
        active = sort.removeprefix("-") == column.key
        descending = sort == f"-{column.key}"
        headers.append(
            {
                "column": column,
                "active": active,
                "descending": descending,
                "next": f"-{column.key}" if active and not descending else column.key,
            }
        )
    return headers


def cells(columns: list[Column], row: Mapping) -> list[dict]:
    return [{"column": c, "value": c.value(row), "url": c.link(row) if c.link else None} for c in columns]


def total_cells(columns: list[Column], totals: Mapping | None) -> list[dict] | None:
    """The totals row: the figures `totals` has, without links (a total links to its rows)."""
    if totals is None:
        return None
    return [{"column": c, "value": totals.get(c.key), "url": None} for c in columns]


def report_page(request: HttpRequest, report: Report) -> HttpResponseBase:
    """The report as a page, or (`?format=csv|xlsx`) as a file of the same rows."""
    if request.GET.get("format"):
        return export_response(request, report)
    columns = report.columns()
    rows = report.sorted_rows()
    page_obj = Paginator(rows, report.page_size).get_page(request.GET.get("page"))
    return render(
        request,
        report.template_name,
        {
            "report": report,
            "filter": report.filterset,
            "headers": sort_headers(report, columns),
            "columns": columns,
            "page_obj": page_obj,
            "rows": [cells(columns, row) for row in page_obj.object_list],
            "totals": total_cells(columns, report.totals(rows)) if page_obj.object_list else None,
            "sort": request.GET.get("sort", ""),
            **report.context(),
        },
    )


def report_view(report_class: type[Report]):
    """The view of a registered report: "View reports" and a warehouse needed; GET only."""

    @require_GET
    @reports_view
    def view(request: HttpRequest) -> HttpResponseBase:
        return report_page(request, report_class(request.user, request.GET))

    view.__name__ = f"{report_class.name}_report"
    return view
