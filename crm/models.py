from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import meta_permissions
from inventory.models.quantities import money_field, quantity_field


class Company(models.Model):
    """A business partner: a supplier that receipts come from, a client that orders ship to, or both."""

    name = models.CharField(_("name"), max_length=200)
    tax_id = models.CharField(_("tax ID"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_client = models.BooleanField(_("client"), default=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        indexes = [models.Index(Lower("name"), name="company_name_lower")]
        permissions = meta_permissions("crm")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person the business deals with; may work for a company."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts", verbose_name=_("company")
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="contact_name_lower")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Pipeline(models.Model):
    """A sales funnel: its deals move through its stages. One pipeline is the default."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    sort = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_pipeline"
            )
        ]

    def __str__(self) -> str:
        return gettext(self.name)  # the default names (crm.pipelines) are translated


class StageKind(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


class Stage(models.Model):
    """A column of a pipeline's board. Open stages come in their order; every pipeline has
    exactly one Won and one Lost stage, which close the deal."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=4, choices=StageKind.choices, default=StageKind.OPEN)
    sort = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline_id", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_unique_in_pipeline"),
            models.UniqueConstraint(
                fields=["pipeline", "kind"],
                condition=~models.Q(kind=StageKind.OPEN),
                name="one_won_and_one_lost_stage_per_pipeline",
            ),
        ]

    def __str__(self) -> str:
        return gettext(self.name)  # the default names (crm.pipelines) are translated

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN


class Deal(models.Model):
    """A sale in the making: a client, product rows, a stage of a pipeline."""

    title = models.CharField(_("title"), max_length=200)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="deals", verbose_name=_("company")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="deals", verbose_name=_("contact")
    )
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals", verbose_name=_("pipeline"))
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deals", verbose_name=_("responsible")
    )
    currency = models.CharField(_("currency"), max_length=3)
    comment = models.TextField(_("comment"), blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pipeline", "stage", "-id"], name="deal_board")]

    def __str__(self) -> str:
        return self.title

    @property
    def client(self) -> Company | None:
        """The company the deal sells to: its own, or its contact's."""
        return self.company or (self.contact.company if self.contact else None)


class DealRow(models.Model):
    """A product the deal sells: quantity, price, discount in percent, and the warehouse it
    ships from (the default warehouse when empty)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="rows", verbose_name=_("deal"))
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="deal_rows", verbose_name=_("product")
    )
    quantity = quantity_field(_("quantity"))
    price = money_field(_("price"), default=0)
    discount = models.DecimalField(_("discount, %"), max_digits=5, decimal_places=2, default=0)
    warehouse = models.ForeignKey(
        "inventory.Warehouse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deal_rows",
        verbose_name=_("warehouse"),
    )

    class Meta:
        verbose_name = _("deal product row")
        verbose_name_plural = _("deal product rows")
        ordering = ["deal_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="deal_row_quantity_positive"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="deal_row_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(discount__gte=0, discount__lte=100), name="deal_row_discount_percent"
            ),
            models.UniqueConstraint(fields=["deal", "product", "warehouse"], name="deal_row_unique_product"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"

    @property
    def net_price(self) -> Decimal:
        """The price after the discount, to the cent."""
        return (self.price * (100 - self.discount) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def amount(self) -> Decimal:
        return (self.net_price * self.quantity).quantize(Decimal("0.01"), ROUND_HALF_UP)
