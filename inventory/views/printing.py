"""The print view of a stock document: a standalone A4 page (no menu, no buttons but "Print"
and "Back", both hidden on paper) to print, or save as PDF with the browser's own print.

Who may open a document's detail page may print it: the same `_document_or_404`. What it
shows follows the detail page: purchase prices only with "View purchase price", a sales
order's selling prices to everyone; never what stock cost (COGS, profit)."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from inventory.access import shows_document_prices
from inventory.models import DocumentStatus, DocumentType
from inventory.selectors.documents import count_expectations
from inventory.views.documents import _document_or_404

# What each type is, on paper.
PRINT_TITLES = {
    DocumentType.RECEIPT: _("Receipt voucher"),
    DocumentType.SALES_ORDER: _("Delivery note"),
    DocumentType.TRANSFER: _("Delivery note"),
    DocumentType.WRITE_OFF: _("Write-off act"),
    DocumentType.STOCK_COUNT: _("Stock count sheet"),
    DocumentType.ADJUSTMENT: _("Adjustment voucher"),
    DocumentType.RETURN: _("Return note"),
}

# The signature blocks at its foot: who hands over and who takes or checks.
SIGNATURES = {
    DocumentType.RECEIPT: (_("Delivered by"), _("Received by")),
    DocumentType.SALES_ORDER: (_("Issued by"), _("Received by")),
    DocumentType.TRANSFER: (_("Issued by"), _("Received by")),
    DocumentType.WRITE_OFF: (_("Issued by"), _("Checked by"), _("Approved by")),
    DocumentType.STOCK_COUNT: (_("Counted by"), _("Checked by")),
    DocumentType.ADJUSTMENT: (_("Issued by"), _("Checked by")),
    DocumentType.RETURN: (_("Returned by"), _("Received by")),
}

# Types whose print carries prices, amounts and a total (a write-off's or an adjustment's
# prices are what the stock cost: not printed).
PRICED_TYPES = frozenset({DocumentType.RECEIPT, DocumentType.SALES_ORDER, DocumentType.RETURN})


@require_GET
def document_print(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    kind = DocumentType(document.doc_type)
    lines = list(document.lines.select_related("product").order_by("id"))
    is_stock_count = kind == DocumentType.STOCK_COUNT
    if is_stock_count:
        count_expectations(document, lines)
    show_prices = kind in PRICED_TYPES and shows_document_prices(request.user, kind)
    return render(
        request,
        "inventory/documents/print.html",
        {
            "document": document,
            "doc_type": kind.value,
            "title": PRINT_TITLES[kind],
            "company_name": settings.COMPANY_NAME,
            "lines": lines,
            "show_prices": show_prices,
            "total": sum((line.amount for line in lines), 0) if show_prices else None,
            "is_stock_count": is_stock_count,
            # A count sheet to count on: its counted column is left blank until processed.
            "blank_counts": is_stock_count and document.status == DocumentStatus.DRAFT,
            "mark": document.get_status_display() if document.status != DocumentStatus.PROCESSED else "",
            "signatures": SIGNATURES[kind],
            "printed_at": timezone.localtime(),
        },
    )
