"""The product form: product fields, barcodes as free text, minimum stock per active warehouse."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import CHANGE_SELLING_PRICE, VIEW_PURCHASE_PRICE, VIEW_WAREHOUSE
from accounts.permissions import Actor, can, warehouses_for
from inventory.models import Category, Product
from inventory.models.catalog import Unit
from inventory.models.quantities import MONEY_DECIMALS, MONEY_DIGITS, QUANTITY_DECIMALS, QUANTITY_DIGITS
from inventory.services.catalog import ProductInput, parse_barcodes
from layouts.builder import LaidOutForm, apply_layout, load_layout
from web.fields import DecimalField

MINIMUM_PREFIX = "min_"


def _money(label) -> DecimalField:
    return DecimalField(
        label=label, max_digits=MONEY_DIGITS, decimal_places=MONEY_DECIMALS, min_value=0, initial=0, localize=True
    )


def _plain(value: Decimal) -> Decimal:
    """5.000 -> 5, 1.500 -> 1.5: what a person would type."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class ProductForm(LaidOutForm, forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=Product._meta.get_field("sku").max_length)
    name = forms.CharField(label=_("Name"), max_length=Product._meta.get_field("name").max_length)
    unit = forms.ChoiceField(label=_("Unit of measure"), choices=Unit.choices, initial=Unit.PIECE)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    purchase_price = _money(_("Purchase price"))
    selling_price = _money(_("Selling price"))
    vat_rate = DecimalField(
        label=_("VAT rate, %"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0, localize=True
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    barcodes = forms.CharField(
        label=_("Barcodes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text=_("One barcode a line, or separated by commas. Scan them here."),
    )

    def __init__(self, *args, user: Actor, instance: Product | None = None, **kwargs):
        """Prices appear only to those who may set them; minimum levels for the warehouses the
        user sees; the rest as the "product" layout says (`layouts`)."""
        self.instance = instance
        initial = kwargs.pop("initial", None) or {}
        if instance is not None:
            initial = {
                "sku": instance.sku,
                "name": instance.name,
                "unit": instance.unit,
                "category": instance.category_id,
                "purchase_price": instance.purchase_price,
                "selling_price": instance.selling_price,
                "vat_rate": _plain(instance.vat_rate),
                "is_active": instance.is_active,
                "barcodes": "\n".join(b.code for b in instance.barcodes.all()),
                **{
                    f"{MINIMUM_PREFIX}{w}": _plain(q)
                    for w, q in instance.minimum_levels.values_list("warehouse_id", "quantity")
                },
                **initial,
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if not can(user, VIEW_PURCHASE_PRICE):
            del self.fields["purchase_price"]
        if not can(user, CHANGE_SELLING_PRICE):
            del self.fields["selling_price"]
        visible = warehouses_for(user, VIEW_WAREHOUSE)
        self.warehouses = list(visible.filter(is_active=True).order_by("-is_default", "name", "id"))
        for warehouse in self.warehouses:
            self.fields[f"{MINIMUM_PREFIX}{warehouse.pk}"] = DecimalField(
                label=warehouse.name,
                required=False,
                min_value=0,
                max_digits=QUANTITY_DIGITS,
                decimal_places=QUANTITY_DECIMALS,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "text-end"}),
            )
        apply_layout(self, load_layout("product"), stored=instance.custom if instance else {})

    def clean_barcodes(self) -> list[str]:
        return parse_barcodes(self.cleaned_data.get("barcodes") or "")

    @property
    def minimum_fields(self):
        return [self[f"{MINIMUM_PREFIX}{w.pk}"] for w in self.warehouses]

    def to_input(self) -> ProductInput:
        """What the catalog service takes, from the cleaned data."""
        data = self.cleaned_data
        return ProductInput(
            sku=data["sku"],
            name=data["name"],
            unit=data["unit"],
            category=data["category"],
            purchase_price=data.get("purchase_price"),
            selling_price=data.get("selling_price"),
            vat_rate=data["vat_rate"],
            is_active=data["is_active"],
            barcodes=data["barcodes"],
            minimums={w: data.get(f"{MINIMUM_PREFIX}{w.pk}") for w in self.warehouses},
            custom=self.custom_values(),
        )
