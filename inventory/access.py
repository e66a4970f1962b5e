"""What a user may see and do in the inventory pages, in the words of `accounts.permissions`.

Views ask here, so that a page, its buttons and the service it calls agree.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.catalogue import VIEW_INVENTORY, VIEW_PURCHASE_PRICE, document_right
from accounts.permissions import Actor, can, require, require_somewhere
from inventory.models import DocumentType, StockDocument
from web.decorators import area_view

BUTTONS = ("edit", "process", "cancel", "delete")


def inventory_view(*rights: str):
    """Decorate a view of the inventory area: the user needs the area and each of `rights`
    on at least one warehouse (or globally, for rights not bound to warehouses); else 403."""
    return area_view(VIEW_INVENTORY, *rights)


def require_document_type_right(user: Actor, action: str, doc_type: str) -> None:
    require(user, VIEW_INVENTORY)
    require_somewhere(user, document_right(action, doc_type))


def check_document_visible(user: Actor, document: StockDocument) -> None:
    """404 for a document the user may not see (its existence is not revealed)."""
    if not (can(user, VIEW_INVENTORY) and can(user, document_right("view", document.doc_type), document)):
        raise Http404(_("No such document."))


def visible_document(user: Actor, doc_type: str, pk, *, related=("warehouse", "destination")) -> StockDocument:
    """The document of that type and id, if it exists, is not deleted and the user may see
    it (with the `related` rows); else 404."""
    document = get_object_or_404(
        StockDocument.objects.select_related(*related), pk=pk, doc_type=doc_type, deleted_at__isnull=True
    )
    check_document_visible(user, document)
    return document


def document_actions(user: Actor, document: StockDocument) -> dict[str, bool]:
    """Which of the detail page's buttons this user gets: state and rights both allow them."""
    may = {action: can(user, document_right(action, document.doc_type), document) for action in BUTTONS}
    return {
        "edit": document.is_editable and may["edit"],
        "process": document.can_be_processed and may["process"],
        "cancel": document.can_be_cancelled and may["cancel"],
        "delete": document.is_editable and may["delete"],
    }


# Types whose lines carry no price: a transfer moves stock at its cost, a stock count counts it.
UNPRICED_TYPES = frozenset({DocumentType.TRANSFER, DocumentType.STOCK_COUNT})


def shows_document_prices(user: Actor, doc_type: str) -> bool:
    """A sales order's (and a return's) prices are selling prices, shown to everyone who sees it; the
    other types carry purchase prices (cost), shown only with "View purchase price".
    Transfers and stock counts have no prices (nor a currency)."""
    if doc_type in UNPRICED_TYPES:
        return False
    return doc_type in (DocumentType.SALES_ORDER, DocumentType.RETURN) or can(user, VIEW_PURCHASE_PRICE)


def shows_purchase_price(user: Actor) -> bool:
    return can(user, VIEW_PURCHASE_PRICE)
