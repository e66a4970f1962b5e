"""The delivery status of processed sales orders and transfers, and its history.

The states, and who moves a document between them:

    to pick ⇄ picked → shipped (carrier, tracking number) → delivered (received by)
                          └──────────────┴─→ returned (a return's processing)

Processing a sales order or transfer makes it "to pick". A user with "Update delivery status"
on its warehouses moves it one step forward (or from picked back to pick); a step skipped
(to pick → shipped) or backwards from shipped is refused. Goods that have left (shipped,
delivered, returned) keep the document from being cancelled: a sales order's come back with a
return, a transfer's with a transfer the other way that names it (`returned_from`); processing it
marks the first document returned, and cancelling it, when no other return of the document is
left, puts that back where it was. Each change is one `DeliveryEvent` row: who,
when, from → to, and its details. The document row is locked first, so two clerks changing it at
once change it one after the other: the second is told what it has become.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.catalogue import UPDATE_DELIVERY_STATUS
from accounts.permissions import Actor, acting_user, require
from inventory.errors import DocumentStateError
from inventory.locks import lock_document
from inventory.models import DeliveryEvent, DeliveryStatus, DocumentStatus, DocumentType, StockDocument
from inventory.models.documents import SHIPPING_TYPES
from inventory.validation import field_errors
from web.validators import has_nul, no_nul

# Where a user may move a document from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DeliveryStatus.TO_PICK: (DeliveryStatus.PICKED,),
    DeliveryStatus.PICKED: (DeliveryStatus.SHIPPED, DeliveryStatus.TO_PICK),
    DeliveryStatus.SHIPPED: (DeliveryStatus.DELIVERED,),
    DeliveryStatus.DELIVERED: (),
    DeliveryStatus.RETURNED: (),
}
NOTE_LENGTH = 250


@dataclass(frozen=True)
class DeliveryUpdate:
    """What a user sets: the new status, with its details (the carrier and tracking number of a
    shipment, who received a delivery) and a note."""

    status: str
    carrier: str = ""
    tracking_number: str = ""
    received_by: str = ""
    note: str = ""


@transaction.atomic
def change_delivery_status(document: StockDocument, *, by: Actor, update: DeliveryUpdate) -> StockDocument:
    """Move a processed sales order or transfer to `update.status`; refused, changing nothing,
    without the right on its warehouses, for a status it cannot reach from where it is, or for
    details that are missing or do not fit (`ValidationError` keyed by field)."""
    document = lock_document(document.pk, related=("warehouse", "destination"))
    require(by, UPDATE_DELIVERY_STATUS, document)
    _ensure_shipping(document)
    current, wanted = document.delivery_status, update.status
    if wanted == DeliveryStatus.RETURNED:
        if document.doc_type == DocumentType.TRANSFER:
            raise DocumentStateError(
                _("Goods go back with a transfer the other way: send them back from %(number)s.")
                % {"number": document.number}
            )
        raise DocumentStateError(
            _("Goods come back with a return: create one from %(number)s.") % {"number": document.number}
        )
    if wanted not in DeliveryStatus.values:
        raise ValidationError({"status": _("Choose a delivery status.")})
    if wanted not in TRANSITIONS.get(current, ()):
        raise DocumentStateError(_refusal(document, wanted))
    note = update.note.strip()
    now = timezone.now()
    fields = ["delivery_status", "updated_at"]
    details = []
    if wanted == DeliveryStatus.SHIPPED:
        document.carrier, document.tracking_number = update.carrier.strip(), update.tracking_number.strip()
        document.shipped_at = now
        fields += ["carrier", "tracking_number", "shipped_at"]
        details = [document.carrier, document.tracking_number]
    elif wanted == DeliveryStatus.DELIVERED:
        document.received_by, document.delivered_at = update.received_by.strip(), now
        fields += ["received_by", "delivered_at"]
        details = [document.received_by]
    errors = field_errors(document, exclude=[f.name for f in StockDocument._meta.fields if f.name not in fields])
    if wanted == DeliveryStatus.SHIPPED and not document.carrier:
        errors.setdefault("carrier", []).append(_("Enter the carrier that takes the goods."))
    if len(note) > NOTE_LENGTH:
        errors["note"] = [_("Keep the note to %(count)d characters.") % {"count": NOTE_LENGTH}]
    elif has_nul(note):
        errors["note"] = [str(no_nul.message)]
    if errors:
        raise ValidationError(errors)
    document.delivery_status = wanted
    document.save(update_fields=fields)
    record_event(document, current, wanted, by=by, details=" · ".join(x for x in [*details, note] if x), at=now)
    return document


def record_event(
    document: StockDocument, current: str, wanted: str, *, by: Actor, details: str = "", at=None, return_document=None
) -> DeliveryEvent:
    """Record one change of the document's delivery status (already saved by the caller)."""
    return DeliveryEvent.objects.create(
        document=document,
        from_status=current,
        to_status=wanted,
        by=acting_user(by),
        at=at or timezone.now(),
        details=details[:500],
        return_document=return_document,
    )


def mark_returned(order: StockDocument, *, by: Actor, return_document: StockDocument) -> None:
    """A return of the locked `order` was processed: the order is returned."""
    current = order.delivery_status
    order.delivery_status = DeliveryStatus.RETURNED
    order.save(update_fields=["delivery_status", "updated_at"])
    record_event(
        order, current, DeliveryStatus.RETURNED, by=by, details=return_document.number, return_document=return_document
    )


def unmark_returned(order: StockDocument, *, by: Actor, return_document: StockDocument) -> None:
    """The return `return_document` of the locked `order` was cancelled: when no other return of
    the order is processed, the order goes back to the status it had before its goods came back."""
    others = StockDocument.objects.filter(returned_from=order, status=DocumentStatus.PROCESSED)
    if others.exclude(pk=return_document.pk).exists() or order.delivery_status != DeliveryStatus.RETURNED:
        return
    before = (
        DeliveryEvent.objects.filter(document=order, to_status=DeliveryStatus.RETURNED)
        .exclude(from_status=DeliveryStatus.RETURNED)
        .order_by("-id")
        .values_list("from_status", flat=True)
        .first()
    ) or DeliveryStatus.SHIPPED
    order.delivery_status = before
    order.save(update_fields=["delivery_status", "updated_at"])
    details = _("%(number)s cancelled") % {"number": return_document.number}
    record_event(order, DeliveryStatus.RETURNED, before, by=by, details=details, return_document=return_document)


def _ensure_shipping(document: StockDocument) -> None:
    if document.doc_type not in SHIPPING_TYPES:
        raise DocumentStateError(
            _("%(number)s has no delivery status: only sales orders and transfers are shipped.")
            % {"number": document.number}
        )
    if document.status != DocumentStatus.PROCESSED or document.deleted_at is not None:
        raise DocumentStateError(
            _("%(number)s is not processed: only a processed document is picked and shipped.")
            % {"number": document.number}
        )


def _refusal(document: StockDocument, wanted: str) -> str:
    """Why the document cannot go to `wanted` from where it is, and where it can go."""
    names = {
        "number": document.number,
        "current": document.get_delivery_status_display(),
        "wanted": str(DeliveryStatus(wanted).label),
    }
    if wanted == document.delivery_status:
        return _("%(number)s is already “%(current)s”.") % names
    allowed = TRANSITIONS.get(document.delivery_status, ())
    if not allowed:
        return _("%(number)s is “%(current)s”: its delivery status does not change any more.") % names
    names["allowed"] = ", ".join(f"“{DeliveryStatus(status).label}”" for status in allowed)
    return _("%(number)s is “%(current)s”: it can become %(allowed)s, not “%(wanted)s”.") % names
