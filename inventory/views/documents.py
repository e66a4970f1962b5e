"""Stock document pages: list, create, edit, detail, and the process/cancel/delete actions.

Every change goes through `inventory.services.documents`; a refusal (`StockError`, or a
`ValidationError` while processing) becomes a message on the page and changes nothing.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.catalogue import DOCUMENT_TYPES, UPDATE_DELIVERY_STATUS, VIEW_PRODUCT, document_right
from accounts.permissions import (
    Actor,
    can,
    can_somewhere,
    require,
    warehouse_of,
    warehouse_scope,
    warehouses_for,
)
from inventory.access import (
    UNPRICED_TYPES,
    document_actions,
    inventory_view,
    require_document_type_right,
    shows_document_prices,
    shows_purchase_price,
    visible_document,
)
from inventory.errors import StockError
from inventory.filters.documents import DocumentFilter
from inventory.forms.delivery import DeliveryForm
from inventory.forms.documents import (
    DocumentForms,
    ProductResolver,
    line_columns,
    make_line_form,
    with_lines,
)
from inventory.models import DocumentStatus, DocumentType, Product, StockDocument
from inventory.models.documents import SHIPPING_TYPES, layout_key
from inventory.selectors.costing import sales_profits
from inventory.selectors.delivery import delivery_history
from inventory.selectors.documents import (
    count_expectations,
    document_moves,
    on_hand_in,
    product_suggestions,
    stock_to_count,
    unpriced_lines,
)
from inventory.selectors.documents import document_list as select_documents
from inventory.selectors.returns import returnable, returns_of
from inventory.services.delivery import change_delivery_status
from inventory.services.documents import (
    LineInput,
    cancel_document,
    create_document,
    delete_document,
    process_document,
    update_document,
)
from layouts.builder import load_layout
from web.errors import error_text, run_reporting
from web.validators import is_id, query_text

PAGE_SIZE = 50


def _doc_type_or_404(doc_type: str) -> DocumentType:
    try:
        return DocumentType(doc_type)
    except ValueError:
        raise Http404(_("Unknown document type.")) from None


def _document_or_404(request, doc_type: str, pk: int) -> StockDocument:
    """The document, if it exists and the user may see it; else 404."""
    related = ("warehouse", "destination", "supplier", "client", "responsible", "processed_by", "cancelled_by")
    return visible_document(request.user, _doc_type_or_404(doc_type), pk, related=related)


def _type_context(request, kind: DocumentType) -> dict:
    return {
        "doc_type": kind.value,
        "type_label": kind.label,
        "type_plural": _(DOCUMENT_TYPES[kind]),  # the menu's words
        "is_stock_count": kind == DocumentType.STOCK_COUNT,
        "has_delivery": kind in SHIPPING_TYPES,
        "has_currency": kind not in UNPRICED_TYPES,
        "show_prices": shows_document_prices(request.user, kind),
    }


@require_GET
def document_list(request, doc_type):
    kind = _doc_type_or_404(doc_type)
    require_document_type_right(request.user, "view", kind)
    scope = warehouse_scope(request.user, document_right("view", kind))
    documents = select_documents(doc_type=kind, warehouse_ids=scope)
    layout = load_layout(layout_key(kind))
    filterset = DocumentFilter(
        request.GET or None,
        queryset=documents,
        doc_type=kind,
        warehouses=warehouses_for(request.user, document_right("view", kind)),
        layout=layout,
    )
    page_obj = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inventory/documents/list.html",
        {
            **_type_context(request, kind),
            "filter": filterset,
            "page_obj": page_obj,
            "documents": page_obj.object_list,
            "custom_columns": layout.list_columns(),
            "can_create": can_somewhere(request.user, document_right("edit", kind)),
        },
    )


def _may_process(user: Actor, kind: DocumentType, document: StockDocument | None) -> bool:
    """Whether the form offers "Save and process": with the right on the draft's warehouses,
    or for a new document (its warehouse is chosen in the form) on at least one."""
    if document is None:
        return can_somewhere(user, document_right("process", kind))
    return document_actions(user, document)["process"]


def _form_page(request, kind: DocumentType, forms: DocumentForms, document: StockDocument | None, *, saving=True):
    """The form page; `saving`: after a save was tried (else the lines' own errors only)."""
    if kind == DocumentType.STOCK_COUNT:
        _expect_counts(forms)
    return render(
        request,
        "inventory/documents/form.html",
        {
            **_type_context(request, kind),
            "document": document,
            "header_form": forms.header,
            "formset": forms.lines,
            "columns": forms.columns,
            "line_errors": forms.all_line_errors if saving else [],
            "may_process": _may_process(request.user, kind, document),
            "unpriced": unpriced_lines(kind, _form_lines(forms)),
        },
    )


def _form_lines(forms: DocumentForms) -> list:
    """The lines the form holds: as posted once they are valid, else as saved."""
    if forms.lines.is_bound:
        return getattr(forms.lines, "lines", [])
    initial = forms.lines.initial or []
    return [LineInput(product=x["product_obj"], quantity=x["quantity"], price=x["price"]) for x in initial]


def _expect_counts(forms: DocumentForms) -> None:
    """Give each row of a stock count form its `expected` quantity (the on hand in the form's
    warehouse, as chosen) and `difference` (counted − expected), in one query."""
    header = forms.header
    if header.is_bound:
        header.is_valid()
        warehouse = header.cleaned_data.get("warehouse")  # one the user may choose, or None
    else:
        warehouse = header.initial.get("warehouse")
    rows = [form for form in forms.lines.forms if form.product_obj is not None]
    on_hand = on_hand_in(warehouse, [form.product_obj.pk for form in rows])
    for form in rows:
        form.expected = on_hand.get(form.product_obj.pk, Decimal(0))
        counted = form.cleaned_data.get("quantity") if form.is_bound and form.is_valid() else None
        if not form.is_bound:
            counted = form.initial.get("quantity")
        form.difference = None if counted is None else counted - form.expected


def _save(request, kind: DocumentType, document: StockDocument | None):
    if kind == DocumentType.STOCK_COUNT and "fill_from_stock" in request.POST:
        return _fill_from_stock(request, kind, document)
    forms = DocumentForms(kind, user=request.user, data=request.POST, document=document)
    if not forms.is_valid():
        return _form_page(request, kind, forms, document)
    header, lines = forms.to_input()
    try:
        if document is None:
            saved = create_document(doc_type=kind, by=request.user, header=header, lines=lines)
        else:
            saved = update_document(document, by=request.user, header=header, lines=lines)
    except ValidationError as error:
        forms.add_service_errors(error)
        return _form_page(request, kind, forms, document)
    except StockError as error:  # e.g. processed in another tab while this form was open
        messages.error(request, str(error))
        if document is not None:
            return redirect(document_url(document))
        return redirect("inventory:document_list", kind.value)
    if "process" in request.POST:
        _process_saved(request, saved)
    else:
        messages.success(request, _("%(number)s saved.") % {"number": saved.number})
    return redirect(document_url(saved))


def _fill_from_stock(request, kind: DocumentType, document: StockDocument | None):
    """A stock count form's "Fill from current stock": every product its warehouse holds joins
    the lines at its on hand (rows already typed stay as they are); nothing is saved."""
    forms = DocumentForms(kind, user=request.user, data=request.POST, document=document)
    forms.header.is_valid()
    warehouse = forms.header.cleaned_data.get("warehouse")
    if warehouse is None:
        return _form_page(request, kind, forms, document, saving=False)
    stock = stock_to_count(warehouse)
    data = with_lines(request.POST, forms.lines, stock)
    del data["fill_from_stock"]
    messages.info(
        request,
        ngettext(
            "%(count)s product of %(warehouse)s added at its current stock; enter what you count and save.",
            "%(count)s products of %(warehouse)s added at their current stock; enter what you count and save.",
            len(stock),
        )
        % {"count": len(stock), "warehouse": warehouse},
    )
    filled = DocumentForms(kind, user=request.user, data=data, document=document)
    return _form_page(request, kind, filled, document, saving=False)


def _process_saved(request, document: StockDocument) -> None:
    """After "Save and process" saved it: process the draft, or say on its page why it stays one."""
    perm = document_right("process", document.doc_type)
    refused = [w for w in warehouse_of(document) if not can(request.user, perm, w)]
    if refused:
        reason = _("processing %(documents)s in %(warehouses)s is not among your rights.") % {
            "documents": _(DOCUMENT_TYPES[document.doc_type]).lower(),
            "warehouses": ", ".join(str(w) for w in refused),
        }
        messages.warning(
            request,
            _("The draft %(number)s was saved, but you may not process it: %(reason)s")
            % {"number": document.number, "reason": reason},
        )
        return
    messages.success(request, _("%(number)s saved.") % {"number": document.number})
    if not _zero_prices_unconfirmed(request, document):
        _run(request, process_document, document, _("%(number)s processed."))


def _zero_prices_unconfirmed(request, document: StockDocument) -> bool:
    """A receipt with lines at zero price is processed only with `confirm_zero_prices`
    posted ("Process anyway"); without it, a warning names the lines."""
    if request.POST.get("confirm_zero_prices") == "1":
        return False
    unpriced = unpriced_lines(document.doc_type, document.lines.select_related("product").order_by("id"))
    if not unpriced:
        return False
    messages.warning(
        request,
        ngettext(
            "%(number)s was not processed: %(products)s has no price. Enter it, or choose “Process anyway”.",
            "%(number)s was not processed: %(products)s have no price. Enter them, or choose “Process anyway”.",
            len(unpriced),
        )
        % {"number": document.number, "products": "; ".join(str(line.product) for line in unpriced)},
    )
    return True


@require_http_methods(["GET", "POST"])
def document_create(request, doc_type):
    kind = _doc_type_or_404(doc_type)
    require_document_type_right(request.user, "edit", kind)
    if request.method == "POST":
        return _save(request, kind, None)
    forms = DocumentForms(kind, user=request.user)
    if kind == DocumentType.RETURN:
        _fill_return(request, forms)
    elif kind == DocumentType.TRANSFER:
        _fill_transfer_back(request, forms)
    return _form_page(request, kind, forms, None)


def _fill_return(request, forms: DocumentForms) -> None:
    """A return opened from its order's page (`order`: the order's id): its form comes with
    the order's number and what of its lines may still come back, at the order's prices; an
    order the user may not make returns of leaves the form blank."""
    order_id = request.GET.get("order", "")
    if not is_id(order_id):
        return
    order = StockDocument.objects.filter(
        pk=int(order_id),
        doc_type=DocumentType.SALES_ORDER,
        deleted_at__isnull=True,
        warehouse__in=warehouses_for(request.user, document_right("edit", DocumentType.RETURN)),
    ).first()
    if order is None or not order.can_be_returned:
        return
    forms.prefill(header={"order": order.number}, lines=_lines_left(order))


def _fill_transfer_back(request, forms: DocumentForms) -> None:
    """A transfer opened from a shipped transfer's page (`back`: its id) sends its goods back:
    the form comes with its number, the warehouses the other way and what may still go back;
    a transfer whose destination is not among the user's leaves the form blank."""
    sent_id = request.GET.get("back", "")
    if not is_id(sent_id):
        return
    sent = StockDocument.objects.filter(
        pk=int(sent_id),
        doc_type=DocumentType.TRANSFER,
        deleted_at__isnull=True,
        destination__in=warehouses_for(request.user, document_right("edit", DocumentType.TRANSFER)),
    ).first()
    if sent is None or not sent.can_be_returned:
        return
    header = {"sent_back": sent.number, "warehouse": sent.destination_id, "destination": sent.warehouse_id}
    forms.prefill(header=header, lines=_lines_left(sent))


def _lines_left(order: StockDocument) -> list[dict]:
    """The form lines of what of `order`'s goods may still come back, at its prices."""
    left = {product: figures.left for product, figures in returnable(order).items() if figures.left > 0}
    return [
        {
            "product": line.product.sku,
            "product_obj": line.product,
            "quantity": left[line.product_id],
            "price": line.price,
        }
        for line in order.lines.select_related("product").order_by("id")
        if line.product_id in left
    ]


@require_http_methods(["GET", "POST"])
def document_update(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    kind = DocumentType(document.doc_type)
    require(request.user, document_right("edit", kind), document)
    if not document.is_editable:
        messages.error(
            request,
            _("%(number)s is processed and cannot be edited; cancel its processing first.")
            % {"number": document.number},
        )
        return redirect(document_url(document))
    if request.method == "POST":
        return _save(request, kind, document)
    return _form_page(request, kind, DocumentForms(kind, user=request.user, document=document), document)


@require_GET
def document_detail(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    kind = DocumentType(document.doc_type)
    lines = list(document.lines.select_related("product").order_by("id"))
    if kind == DocumentType.STOCK_COUNT:
        count_expectations(document, lines)
    moves = document_moves(document)
    show_costs = shows_purchase_price(request.user)
    # A processed or cancelled document shows every value it was saved with, whatever the
    # layout has become since; a draft shows what its form shows.
    custom_values = load_layout(layout_key(kind)).detail_values(
        document.custom, all_stored=document.status != DocumentStatus.DRAFT
    )
    return render(
        request,
        "inventory/documents/detail.html",
        {
            **_type_context(request, kind),
            "document": document,
            "lines": lines,
            "total": sum((line.amount for line in lines), 0),
            "moves": moves,
            "show_costs": show_costs,
            "profit": sales_profits(document, lines) if show_costs else None,
            "stock_currency": settings.DEFAULT_CURRENCY,
            "custom_values": custom_values,
            "may": document_actions(request.user, document),
            "unpriced": unpriced_lines(kind, lines) if document.can_be_processed else [],
            **_delivery_context(request, document),
        },
    )


def _delivery_context(request, document: StockDocument) -> dict:
    """The detail page's shipment parts: the delivery status with its history and form (with
    the right), an order's returns and whether the user may make one."""
    context: dict = {}
    if document.doc_type in SHIPPING_TYPES:
        context["delivery_events"] = list(delivery_history(document))
        if document.has_delivery and can(request.user, UPDATE_DELIVERY_STATUS, document):
            form = DeliveryForm(current=document.delivery_status)
            context["delivery_form"] = form if form.offers_a_step else None
        context["returns"] = returns_of(document)
        context["may_return"] = document.can_be_returned and _may_send_back(request.user, document)
    return context


def _may_send_back(user, document: StockDocument) -> bool:
    """Whether `user` may bring back the goods of the shipped `document`: a sales order's with
    a return from its warehouse, a transfer's with a transfer from its destination (while some
    are left to go back)."""
    if document.doc_type == DocumentType.SALES_ORDER:
        return can(user, document_right("edit", DocumentType.RETURN), document)
    return can(user, document_right("edit", DocumentType.TRANSFER), document.destination) and any(
        figures.left > 0 for figures in returnable(document).values()
    )


@require_POST
def document_delivery(request, doc_type, pk):
    """Change the delivery status (`inventory.services.delivery`); a refusal is a message."""
    document = _document_or_404(request, doc_type, pk)
    require(request.user, UPDATE_DELIVERY_STATUS, document)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        )
    else:
        try:
            changed = change_delivery_status(document, by=request.user, update=form.to_input())
        except (StockError, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("%(number)s is now “%(status)s”.")
                % {"number": changed.number, "status": changed.get_delivery_status_display()},
            )
    return redirect(document_url(document) + "#delivery")


def _run(request, action, document, success: str) -> bool:
    return run_reporting(request, lambda: action(document, by=request.user), success % {"number": document.number})


@require_POST
def document_process(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    require(request.user, document_right("process", document.doc_type), document)
    if not _zero_prices_unconfirmed(request, document):
        _run(request, process_document, document, _("%(number)s processed."))
    return redirect(document_url(document))


@require_POST
def document_cancel(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    _run(request, cancel_document, document, _("Processing of %(number)s cancelled."))
    return redirect(document_url(document))


@require_POST
def document_delete(request, doc_type, pk):
    document = _document_or_404(request, doc_type, pk)
    if _run(request, delete_document, document, _("%(number)s deleted.")):
        return redirect("inventory:document_list", document.doc_type)
    return redirect(document_url(document))


@require_GET
def document_line(request, doc_type):
    """One row of the line formset (htmx): empty, or for a product given by `product` (id)
    or `code` (a barcode or SKU as a scanner types it, or a name), with quantity 1."""
    kind = _doc_type_or_404(doc_type)
    require_document_type_right(request.user, "edit", kind)
    index = request.GET.get("index", "0")
    index = int(index) if is_id(index) else -1
    if not 0 <= index < 1000:
        return HttpResponse(_("Too many lines."), status=400, content_type="text/plain; charset=utf-8")
    product = None
    try:
        text = query_text(request, "code") or query_text(request, "product")
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=400, content_type="text/plain; charset=utf-8")
    if text:
        if request.GET.get("product"):  # the id of a chosen suggestion (always an active product)
            product = Product.objects.filter(pk=text, is_active=True).first() if is_id(text) else None
            if product is None:
                message = _("That product is not available any more.")
                return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")
        else:
            try:
                product = ProductResolver([text]).resolve(text)
            except ValidationError as error:
                status = 404 if error.code == "unknown_product" else 409
                return HttpResponse(error.messages[0], status=status, content_type="text/plain; charset=utf-8")
    layout = load_layout(layout_key(kind))
    show_prices = shows_document_prices(request.user, kind) and layout.is_visible("line_price")
    columns = line_columns(layout, doc_type=kind, show_prices=show_prices)
    form = make_line_form(
        doc_type=kind,
        index=index,
        product=product,
        quantity=1 if product else None,
        show_prices=show_prices,
        columns=columns,
    )
    if kind == DocumentType.STOCK_COUNT and product is not None:  # expected in the form's warehouse
        warehouse = request.GET.get("warehouse", "")
        if is_id(warehouse):
            allowed = warehouses_for(request.user, document_right("edit", kind)).filter(pk=int(warehouse))
            form.expected = on_hand_in(allowed, [product.pk]).get(product.pk, Decimal(0))
            form.difference = form.initial["quantity"] - form.expected
    return render(
        request,
        "inventory/documents/_line_row.html",
        {"form": form, "columns": columns, **_type_context(request, kind)},
    )


@require_GET
@inventory_view(VIEW_PRODUCT)
def product_lookup(request):
    """Up to 20 active products matching `q` by name, SKU or barcode (htmx suggestions)."""
    try:
        query = query_text(request, "q")
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=400, content_type="text/plain; charset=utf-8")
    products = product_suggestions(query) if query else []
    return render(request, "inventory/documents/_product_suggestions.html", {"products": products, "query": query})


def document_url(document: StockDocument) -> str:
    return reverse("inventory:document_detail", args=[document.doc_type, document.pk])
