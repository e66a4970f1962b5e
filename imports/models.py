"""Imports of spreadsheets (CSV or XLSX): the uploaded file, how its columns are read, and the run."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PRODUCTS = "products", _("Products")
    BALANCES = "balances", _("Opening balances")
    COMPANIES = "companies", _("Companies")
    CONTACTS = "contacts", _("Contacts")


class ImportMode(models.TextChoices):
    INSERT = "insert", _("Add new only")
    UPDATE = "update", _("Update existing only")
    UPSERT = "upsert", _("Add new and update existing")


class MatchBy(models.TextChoices):
    SKU = "sku", _("SKU")
    BARCODE = "barcode", _("barcode")
    TAX_ID = "tax_id", _("tax ID")
    EMAIL = "email", _("e-mail")


# What the rows of each kind can be found by (the first: the default).
MATCHES = {
    ImportKind.PRODUCTS: (MatchBy.SKU, MatchBy.BARCODE),
    ImportKind.BALANCES: (MatchBy.SKU, MatchBy.BARCODE),
    ImportKind.COMPANIES: (MatchBy.TAX_ID,),
    ImportKind.CONTACTS: (MatchBy.EMAIL,),
}


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportJob(models.Model):
    """One import of `user`: the uploaded file (`content`), its headers and which field each
    column fills (`mapping`, one entry per column, "" for a column left out), and, once run by
    `imports.tasks.run_import_job`, its progress, counts and failed rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what"), max_length=10, choices=ImportKind.choices)
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices, default=ImportMode.UPSERT)
    match_by = models.CharField(_("match by"), max_length=8, choices=MatchBy.choices, default=MatchBy.SKU)
    format = models.CharField(_("format"), max_length=4, choices=ImportFormat.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file"))
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column matching"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    failures = models.JSONField(_("failed rows"), default=list, blank=True)
    sample = models.JSONField(_("first rows"), default=list, blank=True)
    documents = models.ManyToManyField(
        "inventory.StockDocument", verbose_name=_("drafts made"), blank=True, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.filename}: {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        """How far the run is, 0–100 (100 only when done)."""
        if self.status == ImportStatus.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
