"""Forms of the stock document pages: a header form per document type and a line formset.

The forms only collect and check input; `inventory.services.documents` creates and changes
documents. `DocumentForms` builds the service's `Header`/`LineInput` (the view calls the
service) and puts its `ValidationError` back onto the fields.
"""

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import document_right
from accounts.permissions import Actor, warehouses_for
from crm.models import Company
from inventory.access import UNPRICED_TYPES, shows_document_prices
from inventory.currencies import CurrencyField
from inventory.models import Barcode, DocumentType, Product, StockDocument, Warehouse
from inventory.models.documents import layout_key
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.selectors.documents import product_matches
from inventory.services.documents import Header, LineInput
from layouts.builder import FormLayoutView, LaidOutForm, apply_layout, load_layout
from web.fields import DecimalField, decimal_input
from web.validators import is_id

LINE_PREFIX = "lines"
EXTRA_LINES = 3  # empty rows for typing without JavaScript
MAX_LINES = 1000


# --- products typed as text ----------------------------------------------------------------


class ProductResolver:
    """Finds products by what a clerk types or scans: a barcode, a SKU, a product id or a name.

    Looks every text up at once (a few queries for a whole formset, not a few per line).
    Barcode first (a scanner types those), then SKU (exact, then case-insensitive), then id;
    a text that is none of these is searched as `ranked_products` ranks it, and taken when
    the match is clear: one product, or the only one with exactly that name. Otherwise the
    best few are kept as the text's candidates.
    """

    CANDIDATES = 5

    def __init__(self, texts: Iterable[str] = ()):
        self._found: dict[str, Product | None] = {}
        self._candidates: dict[str, list[Product]] = {}
        self.load(texts)

    def load(self, texts: Iterable[str]) -> None:
        # A text with a NUL cannot match (PostgreSQL refuses it): its field says why.
        texts = {t.strip() for t in texts if t and t.strip() and "\x00" not in t} - set(self._found)
        if not texts:
            return
        found: dict[str, Product] = {}
        for barcode in Barcode.objects.filter(code__in=texts).select_related("product"):
            found[barcode.code] = barcode.product
        rest = texts - set(found)
        if rest:
            for product in Product.objects.filter(sku__in=rest):
                found[product.sku] = product
        rest = texts - set(found)
        if rest:  # typed in another case: the slower, unindexed comparison only for these
            upper = {t.upper(): t for t in rest}
            for product in Product.objects.annotate(sku_upper=Upper("sku")).filter(sku_upper__in=upper):
                found[upper[product.sku_upper]] = product
        rest = texts - set(found)
        ids = {int(t) for t in rest if is_id(t)}
        if ids:
            by_id = Product.objects.in_bulk(ids)
            for text in rest:
                if is_id(text) and int(text) in by_id:
                    found[text] = by_id[int(text)]
        rest = texts - set(found)
        if rest:
            for text, candidates in product_matches(rest, limit=self.CANDIDATES + 1).items():
                clear = _clear_match(text, candidates)
                if clear is not None:
                    found[text] = clear
                else:
                    self._candidates[text] = candidates[: self.CANDIDATES]
        for text in texts:
            self._found[text] = found.get(text)

    def get(self, text: str) -> Product | None:
        text = (text or "").strip()
        if text not in self._found:
            self.load([text])
        return self._found.get(text)

    def resolve(self, text: str) -> Product:
        """The active product `text` names; a `ValidationError` that says why not: no match
        (code "unknown_product"), several ("ambiguous_product", listing the best), inactive."""
        product = self.get(text)
        text = (text or "").strip()
        if product is None and self._candidates.get(text):
            raise ValidationError(
                _("“%(text)s” matches several products: %(candidates)s. Type more of the name, or its SKU or barcode."),
                code="ambiguous_product",
                params={"text": text, "candidates": "; ".join(str(p) for p in self._candidates[text])},
            )
        if product is None:
            raise ValidationError(
                _("No product matches “%(text)s” by name, barcode, SKU or ID."),
                code="unknown_product",
                params={"text": text},
            )
        if not product.is_active:
            raise ValidationError(
                _("“%(product)s” is inactive and cannot be used in documents."),
                code="inactive_product",
                params={"product": product},
            )
        return product


def _clear_match(text: str, candidates: list[Product]) -> Product | None:
    """The product a name clearly means: the only candidate, or the only one named exactly so."""
    if len(candidates) == 1:
        return candidates[0]
    exact = [p for p in candidates if p.name.casefold() == text.casefold()]
    return exact[0] if len(exact) == 1 else None


class ProductTextField(forms.CharField):
    """A product typed as its name, barcode, SKU or id; cleans to a `Product` (active only)."""

    def __init__(self, *, resolver: ProductResolver | None = None, **kwargs):
        kwargs.setdefault("max_length", Product._meta.get_field("name").max_length)
        super().__init__(**kwargs)
        self.resolver = resolver

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        return (self.resolver or ProductResolver()).resolve(text)


# --- lines ---------------------------------------------------------------------------------


class LineForm(forms.Form):
    product = ProductTextField(
        label=_("Product"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("Name, barcode, SKU or ID")}),
    )
    quantity = DecimalField(
        label=_("Quantity"),
        required=False,
        max_digits=QUANTITY_DIGITS,
        decimal_places=QUANTITY_DECIMALS,
        widget=decimal_input(),
    )
    price = DecimalField(
        label=_("Price"),
        required=False,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_DECIMALS,
        widget=decimal_input(),
    )

    def __init__(
        self,
        *args,
        doc_type: str,
        resolver: ProductResolver | None = None,
        show_prices: bool = True,
        columns: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        """`columns`: (field name, label) of the line columns in the layout's order (see
        `line_columns`); without it the form's own."""
        super().__init__(*args, **kwargs)
        self.doc_type = doc_type
        cast(ProductTextField, self.fields["product"]).resolver = resolver
        if doc_type == DocumentType.STOCK_COUNT:
            self.fields["quantity"].label = _("Counted quantity")
        if doc_type in UNPRICED_TYPES or not show_prices:
            del self.fields["price"]
        if columns is not None:
            for name, label in columns:
                self.fields[name].label = label
            self.fields = {name: self.fields[name] for name, _label in columns}
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
            field.widget.attrs.setdefault("aria-label", field.label)
        self.fields["product"].widget.attrs["class"] += " line-product"
        self.fields["quantity"].widget.attrs["class"] += " line-quantity"
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"  # a phone shows its number keys
        # The product shown beside the text box: the one typed (once resolved) or the saved one.
        self.product_obj: Product | None = self.initial.get("product_obj")
        # A stock count's row: what the warehouse holds and counted − that (set by the view).
        self.expected: Decimal | None = None
        self.difference: Decimal | None = None
        if self.is_bound and resolver is not None:
            self.product_obj = resolver.get(self.data.get(self.add_prefix("product"), "")) or None

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def has_changed(self) -> bool:
        """A row counts when its product or quantity is filled in; a blank row is skipped."""
        if not self.is_bound:
            return super().has_changed()
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in ("product", "quantity"))

    def clean_quantity(self):
        quantity = self.cleaned_data.get("quantity")
        if quantity is None:
            return None
        if self.doc_type == DocumentType.STOCK_COUNT:
            if quantity < 0:
                raise ValidationError(_("The counted quantity cannot be negative."), code="negative")
        elif quantity <= 0:
            raise ValidationError(_("Enter a quantity greater than zero."), code="not_positive")
        return quantity

    def clean(self):
        cleaned = super().clean()
        if "product" in cleaned and cleaned["product"] is None and not self.errors.get("product"):
            self.add_error("product", _("Enter a product's name, barcode, SKU or ID."))
        if "quantity" in cleaned and cleaned["quantity"] is None and not self.errors.get("quantity"):
            self.add_error("quantity", _("Enter the quantity."))
        return cleaned


class BaseLineFormSet(forms.BaseFormSet):
    """The lines. Without `show_prices` the price column is absent (purchase prices the user may
    not see): a line keeps the price it had. A new line without a price typed takes the
    product's (`default_price`)."""

    def __init__(self, *args, doc_type: str, show_prices: bool = True, kept_prices=None, columns=None, **kwargs):
        self.doc_type = doc_type
        self.show_prices = show_prices
        self.columns = columns
        self.kept_prices: dict[int, Decimal] = kept_prices or {}
        data = kwargs.get("data") if "data" in kwargs else (args[0] if args else None)
        prefix = kwargs.get("prefix") or LINE_PREFIX
        texts = []
        if data is not None:
            texts = [v for k, v in data.items() if k.startswith(f"{prefix}-") and k.endswith("-product")]
        self.resolver = ProductResolver(texts)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # Every row may be left blank (it is then skipped), saved rows included.
        kwargs.update(
            doc_type=self.doc_type,
            resolver=self.resolver,
            show_prices=self.show_prices,
            columns=self.columns,
            empty_permitted=True,
        )
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> None:
        """Merge rows of the same product (a barcode scanned twice is one line of 2)."""
        if any(self.errors):
            return
        merged: dict[int, dict] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("product") is None:
                continue
            product = data["product"]
            # None: no price typed (or no price column); the product's own, once merged
            price = data.get("price") if self.show_prices else self.kept_prices.get(product.pk)
            line = merged.get(product.pk)
            if line is None:
                merged[product.pk] = {"product": product, "quantity": data["quantity"], "price": price}
                continue
            if price and line["price"] and price != line["price"]:
                raise ValidationError(
                    _("“%(product)s” appears twice with different prices; use one price for it."),
                    code="price_conflict",
                    params={"product": product},
                )
            line["quantity"] += data["quantity"]
            line["price"] = line["price"] or price
        if not merged:
            raise ValidationError(_("Add at least one line."), code="no_lines")
        self.lines = [
            LineInput(
                product=x["product"],
                quantity=x["quantity"],
                price=x["price"] if x["price"] is not None else default_price(self.doc_type, x["product"]),
            )
            for x in merged.values()
        ]


LineFormSet = cast(  # the stubs' formset_factory returns the base class, not `formset`
    type[BaseLineFormSet],
    forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=EXTRA_LINES,
        can_delete=True,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    ),
)


def with_lines(data, formset: BaseLineFormSet, rows: Iterable[tuple[Product, Decimal]]):
    """The posted `data` of a document form with `rows` (product, quantity) added as lines
    after those already typed, but for products already on one; then a few empty rows."""
    kept = []
    for form in formset.forms:
        values = {name: (data.get(form.add_prefix(name)) or "").strip() for name in ("product", "quantity", "price")}
        if not data.get(form.add_prefix("DELETE")) and (values["product"] or values["quantity"]):
            kept.append(values)
    present = {product.pk for product in map(formset.resolver.get, (v["product"] for v in kept)) if product}
    kept += [
        {"product": product.sku, "quantity": format(quantity.normalize(), "f")}
        for product, quantity in rows
        if product.pk not in present
    ]
    result = data.copy()
    for key in [k for k in result if k.startswith(f"{LINE_PREFIX}-")]:
        del result[key]
    management = {
        "TOTAL_FORMS": len(kept) + EXTRA_LINES,
        "INITIAL_FORMS": 0,
        "MIN_NUM_FORMS": 0,
        "MAX_NUM_FORMS": MAX_LINES,
    }
    for name, count in management.items():
        result[f"{LINE_PREFIX}-{name}"] = str(count)
    for index, values in enumerate(kept):
        for name, value in values.items():
            result[f"{LINE_PREFIX}-{index}-{name}"] = value
    return result


def line_initial(document: StockDocument) -> list[dict]:
    return [
        {"product": line.product.sku, "product_obj": line.product, "quantity": line.quantity, "price": line.price}
        for line in document.lines.select_related("product").order_by("id")
    ]


def line_columns(layout: FormLayoutView, *, doc_type: str, show_prices: bool) -> list[tuple[str, str]]:
    """(line form field, label) of the columns a document type's lines show, in the layout's
    order: the price only where the user may see prices and the layout shows it."""
    columns = []
    for entry in layout.group("lines"):
        name = entry.key.removeprefix("line_")
        if name == "price" and (doc_type in UNPRICED_TYPES or not show_prices or not entry.visible):
            continue
        if (
            name == "quantity"
            and doc_type == DocumentType.STOCK_COUNT
            and entry.label == str(LineForm.base_fields["quantity"].label)
        ):
            columns.append((name, str(_("Counted quantity"))))
            continue
        columns.append((name, entry.label))
    return columns


def default_price(doc_type: str, product: Product) -> Decimal:
    """The price a line takes when none is typed: an order's is the product's selling price,
    a receipt's (adjustment's, write-off's) its purchase price; transfers and counts have none."""
    if doc_type in UNPRICED_TYPES:
        return Decimal("0")
    if doc_type in (DocumentType.SALES_ORDER, DocumentType.RETURN):
        return product.selling_price
    return product.purchase_price


def make_line_form(
    *,
    doc_type: str,
    index: int,
    product: Product | None = None,
    quantity=None,
    show_prices: bool = True,
    columns: list[tuple[str, str]] | None = None,
) -> LineForm:
    """One unbound row of the formset, for the page's "Add line" and scanner (htmx)."""
    initial = {}
    if product is not None:
        initial = {"product": product.sku, "product_obj": product, "quantity": quantity}
        if show_prices:
            initial["price"] = default_price(doc_type, product)
    form = LineForm(
        prefix=f"{LINE_PREFIX}-{index}",
        initial=initial,
        doc_type=doc_type,
        show_prices=show_prices,
        columns=columns,
        use_required_attribute=False,
    )
    form.fields["DELETE"] = forms.BooleanField(
        label=_("Delete"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    return form


# --- headers -------------------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


def _choices_with_current(queryset, current_id):
    """Active choices, plus the one the document already has (the service refuses it if it
    is no longer allowed, with a message that says why)."""
    if current_id:
        return queryset | queryset.model.objects.filter(pk=current_id)
    return queryset


WAREHOUSE_GONE = _("That warehouse is not available any more; choose an active warehouse.")


class DocumentHeaderForm(LaidOutForm, forms.Form):
    """Fields every document has; subclasses add their type's fields in front."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    currency = CurrencyField()
    responsible = UserChoiceField(label=_("Responsible employee"), queryset=get_user_model().objects.none())
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["supplier", "client", "warehouse", "destination", "reason", "date", "currency", "responsible"]

    def __init__(self, *args, document: StockDocument | None = None, warehouses=None, **kwargs):
        """`warehouses`: those the user may put documents of this type in (default: all)."""
        self.document = document
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(is_active=True) & (
            warehouses if warehouses is not None else Warehouse.objects.all()
        )
        users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        responsible = cast(UserChoiceField, self.fields["responsible"])  # as declared above
        responsible.queryset = _choices_with_current(users, document and document.responsible_id)
        if "currency" in self.fields:
            self.fields["currency"].initial = settings.DEFAULT_CURRENCY
        self.fields["date"].initial = timezone.localdate
        if "warehouse" in self.fields:
            self._limit("warehouse", warehouses, document and document.warehouse_id)
        if "destination" in self.fields:
            self._limit("destination", warehouses, document and document.destination_id)

    def _limit(self, name, queryset, current_id):
        field = self.fields[name]
        field.queryset = _choices_with_current(queryset, current_id)
        field.empty_label = "—"

    def header(self) -> Header:
        """The service's input. A field the layout hides cleans to the value it had (or its
        default on a new document), so it reaches the service unchanged."""
        data = self.cleaned_data
        return Header(
            warehouse=data["warehouse"],
            destination=data.get("destination"),
            supplier=data.get("supplier"),
            client=data.get("client"),
            date=data.get("date"),
            currency=data.get("currency") or "",
            comment=data.get("comment") or "",
            reason=data.get("reason") or "",
            responsible=data.get("responsible"),
            custom=self.custom_values(),
        )


def _warehouse_field(label):
    return forms.ModelChoiceField(
        label=label, queryset=Warehouse.objects.none(), error_messages={"invalid_choice": WAREHOUSE_GONE}
    )


class ReceiptHeaderForm(DocumentHeaderForm):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Company.objects.none())
    warehouse = _warehouse_field(_("Target warehouse"))

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, document=document, **kwargs)
        self._limit("supplier", Company.objects.filter(is_supplier=True), document and document.supplier_id)


class AdjustmentHeaderForm(DocumentHeaderForm):
    warehouse = _warehouse_field(_("Target warehouse"))


class TransferHeaderForm(DocumentHeaderForm):
    """A transfer; one that sends back the goods of a shipped transfer names it (`sent_back`, by
    its number) and goes the other way between its warehouses."""

    warehouse = _warehouse_field(_("From warehouse"))
    destination = _warehouse_field(_("To warehouse"))
    sent_back = forms.CharField(
        label=_("Sends back"),
        max_length=20,
        required=False,
        help_text=_(
            "The number of the shipped transfer whose goods go back, e.g. TR-000012; empty for a new transfer."
        ),
    )
    # No prices: the document keeps the currency it has. (None removes an inherited form field,
    # which the stubs cannot express.)
    currency = None  # type: ignore[assignment]

    field_order = ["warehouse", "destination", "sent_back", "date", "responsible"]

    def __init__(self, *args, document=None, warehouses=None, **kwargs):
        super().__init__(*args, document=document, warehouses=warehouses, **kwargs)
        self.sent_to = warehouses if warehouses is not None else Warehouse.objects.all()

    def clean_sent_back(self):
        number = self.cleaned_data["sent_back"].strip()
        if not number:
            return None
        sent = (
            StockDocument.objects.select_related("warehouse", "destination")
            .filter(doc_type=DocumentType.TRANSFER, number__iexact=number, deleted_at__isnull=True)
            .filter(destination__in=self.sent_to)
            .first()
        )
        if sent is None:
            raise forms.ValidationError(
                _("No transfer %(number)s into the warehouses where you may create transfers."),
                params={"number": number},
            )
        return sent

    def clean(self):
        cleaned = super().clean()
        source, destination = cleaned.get("warehouse"), cleaned.get("destination")
        if source and destination and source == destination and not cleaned.get("sent_back"):
            self.add_error("destination", _("A transfer needs two different warehouses."))
        return cleaned

    def header(self) -> Header:
        return replace(super().header(), returned_from=self.cleaned_data.get("sent_back"))


class WriteOffHeaderForm(DocumentHeaderForm):
    warehouse = _warehouse_field(_("Source warehouse"))
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class SalesOrderHeaderForm(DocumentHeaderForm):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Company.objects.none())
    warehouse = _warehouse_field(_("Source warehouse"))

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, document=document, **kwargs)
        self._limit("client", Company.objects.filter(is_client=True), document and document.client_id)


class StockCountHeaderForm(DocumentHeaderForm):
    warehouse = _warehouse_field(_("Warehouse"))
    currency = None  # type: ignore[assignment]  # as a transfer's


class ReturnHeaderForm(DocumentHeaderForm):
    """A return names the sales order whose goods come back (by its number); its warehouse,
    client and currency are the order's."""

    order = forms.CharField(
        label=_("Sales order"),
        max_length=20,
        help_text=_("The number of the shipped sales order whose goods come back, e.g. SO-000012."),
    )
    currency = None  # type: ignore[assignment]  # the order's

    field_order = ["order", "date", "responsible"]

    def __init__(self, *args, document=None, warehouses=None, **kwargs):
        super().__init__(*args, document=document, warehouses=warehouses, **kwargs)
        self.orders_in = warehouses if warehouses is not None else Warehouse.objects.all()

    def clean_order(self):
        number = self.cleaned_data["order"].strip()
        order = (
            StockDocument.objects.select_related("warehouse", "client")
            .filter(
                doc_type=DocumentType.SALES_ORDER,
                number__iexact=number,
                deleted_at__isnull=True,
                warehouse__in=self.orders_in,
            )
            .first()
        )
        if order is None:
            raise forms.ValidationError(
                _("No sales order %(number)s in the warehouses where you may create returns."),
                params={"number": number},
            )
        return order

    def header(self) -> Header:
        data = self.cleaned_data
        order = data["order"]
        return Header(
            warehouse=order.warehouse,
            client=order.client,
            returned_from=order,
            date=data.get("date"),
            comment=data.get("comment") or "",
            responsible=data.get("responsible"),
            custom=self.custom_values(),
        )


HEADER_FORMS: dict[str, type[DocumentHeaderForm]] = {
    DocumentType.RECEIPT: ReceiptHeaderForm,
    DocumentType.ADJUSTMENT: AdjustmentHeaderForm,
    DocumentType.TRANSFER: TransferHeaderForm,
    DocumentType.WRITE_OFF: WriteOffHeaderForm,
    DocumentType.SALES_ORDER: SalesOrderHeaderForm,
    DocumentType.STOCK_COUNT: StockCountHeaderForm,
    DocumentType.RETURN: ReturnHeaderForm,
}


def header_initial(document: StockDocument) -> dict:
    return {
        "warehouse": document.warehouse_id,
        "destination": document.destination_id,
        "supplier": document.supplier_id,
        "client": document.client_id,
        "reason": document.reason,
        "date": document.date,
        "currency": document.currency,
        "comment": document.comment,
        "responsible": document.responsible_id,
        "order": document.returned_from.number if document.returned_from is not None else "",
        "sent_back": document.returned_from.number if document.returned_from is not None else "",
    }


# --- both together -------------------------------------------------------------------------


class DocumentForms:
    """A document's header form and line formset, validated and saved together."""

    def __init__(self, doc_type: str, *, user: Actor, data=None, document: StockDocument | None = None):
        self.doc_type = doc_type
        self.user = user
        self.document = document
        warehouses = warehouses_for(user, document_right("edit", doc_type))
        kept_prices = {}
        if document is not None:
            initial = header_initial(document)
            lines = line_initial(document)
            kept_prices = {line["product_obj"].pk: line["price"] for line in lines}
        else:
            initial = {"responsible": user.pk}
            default = warehouses.filter(is_default=True, is_active=True).values_list("pk", flat=True).first()
            if default:
                initial["warehouse"] = default
            lines = []
        self.layout = load_layout(layout_key(doc_type))
        self.header = HEADER_FORMS[doc_type](data, initial=initial, document=document, warehouses=warehouses)
        apply_layout(self.header, self.layout, stored=document.custom if document else {}, column="col-md-6 col-xl-4")
        show_prices = shows_document_prices(user, doc_type) and self.layout.is_visible("line_price")
        self.columns = line_columns(self.layout, doc_type=doc_type, show_prices=show_prices)
        self.lines = LineFormSet(
            data,
            initial=lines,
            prefix=LINE_PREFIX,
            doc_type=doc_type,
            show_prices=show_prices,
            kept_prices=kept_prices,
            columns=self.columns,
        )
        self.line_errors: list[str] = []

    def prefill(self, *, header: dict, lines: list[dict]) -> None:
        """Start an unbound form with these header values and lines (as `line_initial` gives)."""
        self.header.initial.update(header)
        self.lines.initial = lines
        self.lines.kept_prices = {line["product_obj"].pk: line["price"] for line in lines}

    def is_valid(self) -> bool:
        header_ok = self.header.is_valid()
        lines_ok = self.lines.is_valid()
        return header_ok and lines_ok

    def to_input(self) -> tuple[Header, list[LineInput]]:
        """What the document services take, once the forms are valid."""
        return self.header.header(), self.lines.lines

    def add_service_errors(self, error: ValidationError) -> None:
        messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        for field, field_messages in messages.items():
            if field == "lines":
                self.line_errors.extend(field_messages)
            elif field in self.header.fields:
                self.header.add_error(field, field_messages)
            else:
                self.header.add_error(None, field_messages)

    @property
    def all_line_errors(self) -> list[str]:
        # An ErrorList yields its messages (str); the stubs type its items as ValidationError | str.
        return list(self.lines.non_form_errors()) + self.line_errors  # type: ignore[return-value]
