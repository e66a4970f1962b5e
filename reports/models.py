"""Exports too large to stream while the user waits: made in the background, kept for download."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ExportJob(models.Model):
    """One export of a report (`report`, with the filters and sorting of `query`) for `user`,
    run by `reports.tasks.export_report`; the file is kept in `content` until it is old
    (`reports.services.exports.forget_old_exports`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.CharField(_("report"), max_length=40)
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_done = models.PositiveBigIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveBigIntegerField(_("rows in all"), default=0)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.report}.{self.format}: {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        """How far it is, 0–100 (100 only when done)."""
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
