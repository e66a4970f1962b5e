"""The product trace report: where every unit of one product came from and where it went.

Under FIFO: a tree of the product's lots (cost layers), each with the documents that took from
it, a transfer's lot nested under the transfer (`reports.selectors.trace.product_trace`); the
page and the exports have one row per take (the lot's origin repeated on each). Under the
moving average there are no lots to follow: the documents that brought the product into each
warehouse and took it out (`average_rows`), and the page says why.
"""

from decimal import Decimal
from functools import cached_property

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.catalogue import document_right
from accounts.permissions import Actor, warehouse_scope
from inventory.access import shows_purchase_price
from inventory.formatting import format_quantity
from inventory.models import CostingMethod, DocumentType, InventorySettings, StockDocument
from inventory.valuation import to_cent
from reports.filters.trace import TraceFilter
from reports.selectors import trace as selectors
from reports.selectors.trace import Lot, Trace, TraceRow, average_rows, product_trace
from reports.views.base import DATE, MONEY, QUANTITY, Column, Report, register, report_view

MAX_INDENT = 8  # deeper levels are drawn at this one (the level column says how deep)


@register
class TraceReport(Report):
    name = "trace"
    title = gettext_lazy("Product trace")
    filterset_class = TraceFilter
    default_sort = "lot"  # the trace has its own order: nothing to sort
    template_name = "reports/trace.html"
    page_size = 100

    def __init__(self, user: Actor, data: QueryDict):
        super().__init__(user, data)
        self.product = self.filters.get("product")
        self.shows_prices = shows_purchase_price(user)
        self.trace: Trace | None = None

    @cached_property
    def method(self) -> str:
        return InventorySettings.current_costing_method()

    @property
    def is_fifo(self) -> bool:
        return self.method == CostingMethod.FIFO

    def columns(self) -> list[Column]:
        price = self.shows_prices
        if self.product is not None and not self.is_fifo:
            columns = [
                Column("warehouse_name", gettext_lazy("Warehouse"), sortable=False),
                Column("date", gettext_lazy("Date"), DATE, sortable=False),
                Column("number", gettext_lazy("Document"), sortable=False, link=lambda row: self._average_url(row)),
                Column("doc_type", gettext_lazy("Type"), sortable=False, labels=dict(DocumentType.choices)),
                Column("party", gettext_lazy("From / to"), sortable=False),
                Column("received", gettext_lazy("In"), QUANTITY, sortable=False),
                Column("sent", gettext_lazy("Out"), QUANTITY, sortable=False),
                Column("value", gettext_lazy("Value"), MONEY, sortable=False),
            ]
            return [c for c in columns if price or c.kind != MONEY]
        columns = [
            Column("traced_from", gettext_lazy("Traced from"), sortable=False),
            Column("level", gettext_lazy("Level"), sortable=False),
            Column("lot", gettext_lazy("Layer"), sortable=False),
            Column("warehouse", gettext_lazy("Warehouse"), sortable=False),
            Column("origin", gettext_lazy("Layer made by"), sortable=False, link=lambda row: row.get("origin_url")),
            Column("origin_type", gettext_lazy("Origin"), sortable=False),
            Column("origin_date", gettext_lazy("Origin date"), DATE, sortable=False),
            Column("supplier", gettext_lazy("Supplier"), sortable=False),
            Column("came_from", gettext_lazy("Came from"), sortable=False),
            Column("received", gettext_lazy("Received"), QUANTITY, sortable=False),
            Column("unit_cost", gettext_lazy("Unit cost"), MONEY, sortable=False),
            Column("status", gettext_lazy("Layer status"), sortable=False),
            Column("event", gettext_lazy("Event"), sortable=False),
            Column("number", gettext_lazy("Document"), sortable=False, link=lambda row: row.get("number_url")),
            Column("date", gettext_lazy("Date"), DATE, sortable=False),
            Column("party", gettext_lazy("To / details"), sortable=False),
            Column("quantity", gettext_lazy("Quantity"), QUANTITY, sortable=False),
            Column("value", gettext_lazy("Value"), MONEY, sortable=False),
        ]
        return [c for c in columns if price or c.kind != MONEY]

    @cached_property
    def _rows(self):
        if self.product is None:
            return []
        filters = self.filters
        warehouse, receipt = filters.get("warehouse"), filters.get("receipt")
        period = {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}
        if not self.is_fifo:
            if receipt is not None:  # it joined its warehouse's pool: that is all that can be said
                warehouse = receipt.warehouse
            return average_rows(self.product, warehouse_ids=self.scope, warehouse=warehouse, **period)
        self.trace = product_trace(
            self.product, warehouse_ids=self.scope, warehouse=warehouse, receipt=receipt, **period
        )
        return [self._row(row) for row in self.trace.rows]

    def rows(self):
        return self._rows

    def sorted_rows(self):
        rows = self.rows()
        return (
            rows if isinstance(rows, list) else rows.order_by("warehouse_name", "warehouse_id", "date", "document_id")
        )

    def totals(self, rows):
        """Under the moving average: what came in and went out, over all pages (one query)."""
        if isinstance(rows, list):
            return None
        figures = list(rows.values_list("received", "sent"))
        return {
            "received": sum((received or 0 for received, _sent in figures), Decimal(0)),
            "sent": sum((sent or 0 for _received, sent in figures), Decimal(0)),
        }

    def context(self) -> dict:
        return {
            "product": self.product,
            "is_fifo": self.product is not None and self.is_fifo,
            "is_average": self.product is not None and not self.is_fifo,
            "too_many": self.trace is not None and self.trace.too_many,
            "max_takes": selectors.MAX_TAKES,
            "shows_prices": self.shows_prices,
            "event_columns": 6 if self.shows_prices else 5,
        }

    # --- the rows ------------------------------------------------------------------------------

    def _sees(self, warehouse_id: int | None) -> bool:
        return self.scope is None or warehouse_id in self.scope

    def _document_url(self, pk: int, doc_type: str, warehouse_ids: tuple) -> str | None:
        """The document's page, when the user may open it: they may view its type in each of
        its warehouses (a transfer's two). From the user's permission caches: no query."""
        scope = warehouse_scope(self.user, document_right("view", doc_type))
        if scope is not None and not all(w in scope for w in warehouse_ids if w is not None):
            return None
        return reverse("inventory:document_detail", args=[doc_type, pk])

    def _url(self, document: StockDocument | None) -> str | None:
        if document is None:
            return None
        return self._document_url(document.pk, document.doc_type, (document.warehouse_id, document.destination_id))

    def _average_url(self, row) -> str | None:
        return self._document_url(row["document_id"], row["doc_type"], (row["source_id"], row["destination_id"]))

    def _row(self, row: TraceRow) -> dict:
        assert self.trace is not None
        documents = self.trace.documents
        lot, document = row.lot, row.document
        origin = documents[lot.document_id]
        warehouse = origin.destination if lot.is_transfer_in else origin.warehouse
        status = ""
        if lot.cancelled:
            status = _("cancelled")
        elif lot.is_shortfall:
            status = _("negative stock")
        data = {
            "traced_from": documents[row.root.document_id].number,
            "level": row.level,
            "lot": lot.id,
            "warehouse": warehouse.name if warehouse is not None else "",
            "origin": origin.number,
            "origin_type": origin.get_doc_type_display(),
            "origin_date": origin.date,
            "supplier": origin.supplier.name if origin.supplier is not None else "",
            "came_from": self._came_from(lot, origin) if lot.is_transfer_in else "",
            "received": lot.quantity,
            "status": status,
            "event": self._event(row),
            "number": document.number if document is not None else "",
            "date": document.date if document is not None else None,
            "party": self._party(row),
            "quantity": row.quantity,
            # for the page
            "kind": row.kind,
            "first": row.first,
            "indent": min(row.level, MAX_INDENT),
            "origin_url": self._url(origin),
            "number_url": self._url(document),
            "destination": row.destination.id if row.destination is not None else None,
            "nested": row.nested,
            "is_shortfall": lot.is_shortfall,
            "shortfall": -lot.quantity,
            "cancelled": lot.cancelled,
        }
        if self.shows_prices:
            data["unit_cost"] = to_cent(lot.value / lot.quantity)
            data["value"] = row.value
        return data

    def _came_from(self, lot: Lot, origin: StockDocument) -> str:
        """Where a transfer's lot came from: the source warehouse's lots it took, and how much."""
        if not self._sees(origin.warehouse_id):
            return _("a warehouse you do not see")
        assert self.trace is not None and self.product is not None  # a trace is of a product
        sources = self.trace.sources.get(lot.id, [])
        unit = self.product.unit
        parts = [
            _("layer %(layer)s of %(number)s: %(quantity)s")
            % {
                "layer": source.id,
                "number": self.trace.documents[source.document_id].number,
                "quantity": format_quantity(quantity, unit),
            }
            for source, quantity in sources
        ]
        short = lot.quantity - sum((quantity for _source, quantity in sources), Decimal(0))
        if short > 0:  # the transfer took more than its source held
            parts.append(_("%(quantity)s not in stock there") % {"quantity": format_quantity(short, unit)})
        return _("%(warehouse)s: %(lots)s") % {"warehouse": origin.warehouse.name, "lots": "; ".join(parts)}

    def _event(self, row: TraceRow) -> str:
        if row.kind == selectors.TAKE and row.document is not None:
            return row.document.get_doc_type_display()
        if row.kind == selectors.COVER:
            return _("Made up for negative stock")
        if row.kind == selectors.MADE_UP:
            return _("Negative stock made up")
        if row.kind == selectors.CANCELLED:
            return _("Processing cancelled")
        return _("Still short") if row.quantity < 0 else _("On hand")

    def _party(self, row: TraceRow) -> str:
        """Who or where the stock went to (came from, for what made up a shortfall)."""
        document = row.document
        if document is None or row.kind == selectors.CANCELLED:
            return ""
        doc_type = document.doc_type
        if row.kind == selectors.COVER:
            return _("taken before this stock came in")
        if doc_type in (DocumentType.SALES_ORDER, DocumentType.RETURN):  # to a client, back from one
            return document.client.name if document.client is not None else ""
        if doc_type == DocumentType.WRITE_OFF:
            return document.reason
        if doc_type == DocumentType.RECEIPT:
            return document.supplier.name if document.supplier is not None else ""
        if doc_type == DocumentType.STOCK_COUNT:
            return _("counted less than the books") if row.kind == selectors.TAKE else _("counted more")
        if doc_type == DocumentType.ADJUSTMENT:
            return _("decrease") if row.kind == selectors.TAKE else _("increase")
        if row.kind == selectors.MADE_UP:  # a transfer's stock made up for it
            if not self._sees(document.warehouse_id):
                return _("from a warehouse you do not see")
            return _("from %(warehouse)s") % {"warehouse": document.warehouse.name}
        if document.destination is None or not self._sees(document.destination_id):
            return _("to a warehouse you do not see")
        text = _("to %(warehouse)s") % {"warehouse": document.destination.name}
        if row.destination is not None and not row.nested:
            text += " " + _("(layer %(layer)s, shown above)") % {"layer": row.destination.id}
        return text


trace = report_view(TraceReport)
