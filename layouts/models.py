"""A layout per configurable form, and its fields in order: standard and custom ones."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
LABEL_MAX = 100  # characters of a field's label


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    DATE = "date", _("Date")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice from a list")


class FormLayout(models.Model):
    """One row per registered form (`layouts.registry`), created on migrate."""

    key = models.CharField(_("form"), max_length=40, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("form layout")
        verbose_name_plural = _("form layouts")
        ordering = ["key"]

    def __str__(self) -> str:
        from layouts.registry import spec_or_none

        spec = spec_or_none(self.key)
        return str(spec.label) if spec else self.key


class LayoutField(models.Model):
    """A field's place in its form. A standard field's `key` is the form field's name; a custom
    field's `key` is the key of its value in the object's `custom` JSON. Removing a custom
    field marks it `removed` (its values stay with the objects); adding the key again brings
    them back."""

    layout = models.ForeignKey(FormLayout, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(_("key"), max_length=40)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_visible = models.BooleanField(_("visible"), default=True)
    label_en = models.CharField(_("label (English)"), max_length=LABEL_MAX, blank=True)
    label_id = models.CharField(_("label (Indonesian)"), max_length=LABEL_MAX, blank=True)
    is_custom = models.BooleanField(_("custom field"), default=False)
    field_type = models.CharField(_("type"), max_length=10, choices=FieldType.choices, blank=True)
    required = models.BooleanField(_("required"), default=False)
    help_en = models.CharField(_("help text (English)"), max_length=255, blank=True)
    help_id = models.CharField(_("help text (Indonesian)"), max_length=255, blank=True)
    choices = models.JSONField(_("options"), default=list, blank=True)
    in_list = models.BooleanField(_("list column"), default=False)
    removed = models.BooleanField(_("removed"), default=False)

    class Meta:
        verbose_name = _("layout field")
        verbose_name_plural = _("layout fields")
        ordering = ["layout", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["layout", "key"], name="one_layout_field_per_key"),
            models.CheckConstraint(
                condition=Q(is_custom=False, field_type="") | Q(is_custom=True) & ~Q(field_type=""),
                name="custom_fields_have_a_type",
            ),
            models.CheckConstraint(condition=Q(key__regex=KEY_PATTERN), name="layout_field_key_shape"),
        ]

    def __str__(self) -> str:
        return self.key
