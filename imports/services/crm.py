"""The CRM imports: companies (found by tax id) and contacts (found by e-mail address, their
company by its tax id or name). A cell left empty keeps what is stored (a new row: the
default). Both need the CRM right; rows are read and written in batches with a constant
number of queries, as the products import does.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.catalogue import USE_CRM
from accounts.permissions import Actor, can
from crm.models import Company, Contact
from imports.columns import CellError, Column, CustomColumns, parse_bool
from imports.models import ImportKind, ImportMode
from imports.services.rows import RowResult, read_row
from inventory.locks import lock_imports
from inventory.models import StockDocument


def company_columns(user: Actor) -> list[Column]:
    columns = [
        Column("name", gettext_noop("Name"), ("nama", "nama perusahaan", "company", "perusahaan"), required=True),
        Column("tax_id", gettext_noop("Tax ID"), ("npwp", "tax id", "vat number", "nomor pajak")),
        Column("address", gettext_noop("Address"), ("alamat",)),
        Column("phone", gettext_noop("Phone"), ("telepon", "telp", "hp", "no hp")),
        Column("email", gettext_noop("E-mail"), ("email", "surel")),
        Column("is_supplier", gettext_noop("Supplier"), ("pemasok", "supplier")),
        Column("is_client", gettext_noop("Client"), ("klien", "pelanggan", "customer")),
    ]
    return columns + CustomColumns("company").columns()


def contact_columns(user: Actor) -> list[Column]:
    columns = [
        Column("first_name", gettext_noop("First name"), ("nama depan", "nama"), required=True),
        Column("last_name", gettext_noop("Last name"), ("nama belakang",)),
        Column("company", gettext_noop("Company"), ("perusahaan", "company tax id", "npwp perusahaan")),
        Column("position", gettext_noop("Position"), ("jabatan",)),
        Column("phone", gettext_noop("Phone"), ("telepon", "telp", "hp", "no hp")),
        Column("email", gettext_noop("E-mail"), ("email", "surel")),
    ]
    return columns + CustomColumns("contact").columns()


EXAMPLES = {
    ImportKind.COMPANIES: {
        "name": "PT Sumber Makmur",
        "tax_id": "01.234.567.8-901.000",
        "address": "Jl. Merdeka 1, Jakarta",
        "phone": "+62 21 555 0101",
        "email": "info@sumbermakmur.co.id",
        "is_supplier": "yes",
        "is_client": "no",
    },
    ImportKind.CONTACTS: {
        "first_name": "Siti",
        "last_name": "Rahayu",
        "company": "PT Sumber Makmur",
        "position": "Purchasing",
        "phone": "+62 812 555 0101",
        "email": "siti@sumbermakmur.co.id",
    },
}


def crm_example(kind: str, columns: Sequence[Column]) -> list[str]:
    return [EXAMPLES[ImportKind(kind)].get(column.key, "") for column in columns]


class _RecordImporter:
    """The shared part of the companies and contacts imports: `model`, its columns, the field
    rows are found by (`key_field`, compared ignoring case) and the one a new row needs."""

    model: type[models.Model]
    kind: str
    key_field: str
    required_for_new: str
    form: str

    def __init__(self, *, user: Actor, mode: str, match_by: str, mapping: Sequence[str], filename: str = "") -> None:
        self.user, self.mode = user, mode
        self.columns = {column.key: column for column in self.columns_for(user)}
        self.mapping = [key if key in self.columns else "" for key in mapping]
        self.keys = {key for key in self.mapping if key}
        self.custom = CustomColumns(self.form)
        self.may_write = can(user, USE_CRM)
        self.seen: dict[str, int] = {}

    def columns_for(self, user: Actor) -> list[Column]:
        raise NotImplementedError

    def missing_required(self) -> list[Column]:
        needed = [self.required_for_new] if self.mode == ImportMode.INSERT else [self.key_field]
        return [self.columns[key] for key in needed if key not in self.keys]

    def start(self) -> None:
        lock_imports(self.kind)

    def finish(self) -> list[StockDocument]:
        return []

    def plan(self, rows: Sequence[tuple[int, list[str]]]) -> list[RowResult]:
        results = [self._parse(line, cells) for line, cells in rows]
        keys = {r.data[self.key_field].casefold() for r in results if r.data.get(self.key_field)}
        existing: dict[str, list] = {}
        if keys:
            query = self.model._default_manager.annotate(match=Lower(self.key_field)).filter(match__in=keys)
            for record in query:
                existing.setdefault(getattr(record, self.key_field).casefold(), []).append(record)
        self.prepare(results)
        for result in results:
            if not result.errors:
                self._decide(result, existing.get(result.data.get(self.key_field, "").casefold(), []))
        return results

    def prepare(self, results: list[RowResult]) -> None:
        """Read what the batch's rows refer to (a constant number of queries)."""

    def _parse(self, line: int, cells: list[str]) -> RowResult:
        result = read_row(line, cells, self.mapping, self._value)
        return result

    def _value(self, key: str, text: str):
        if key in self.custom.rows:
            return self.custom.value(key, text)
        field = self.model._meta.get_field(key)
        if isinstance(field, models.BooleanField):
            return parse_bool(text)
        if isinstance(field, models.CharField) and field.max_length and len(text) > field.max_length:
            raise CellError(_("At most %(limit)s characters.") % {"limit": field.max_length})
        if isinstance(field, models.EmailField):
            try:
                validate_email(text)
            except ValidationError as error:
                raise CellError(_("Not an e-mail address.")) from error
        return text

    def _decide(self, result: RowResult, found: list) -> None:
        field = {"field": self.columns[self.key_field].title()}
        if not self.may_write:
            return result.add_error("", _("You do not have the right to use the CRM."))
        if len(found) > 1:
            return result.add_error(self.key_field, _("Several have this %(field)s: change them by hand.") % field)
        record = found[0] if found else None
        key = result.data.get(self.key_field, "").casefold()
        if record is None and self.mode == ImportMode.UPDATE:
            message = _("None has this %(field)s.") if key else _("Enter the %(field)s to find it by.")
            return result.add_error(self.key_field, message % field)
        if record is not None and self.mode == ImportMode.INSERT:
            return result.add_error(self.key_field, _("This %(field)s is used already.") % field)
        if record is None and not result.data.get(self.required_for_new):
            title = self.columns[self.required_for_new].title()
            return result.add_error(self.required_for_new, _("Enter the %(field)s.") % {"field": title})
        if key and key in self.seen:
            message = _("This %(field)s is in row %(row)s of the file already.")
            return result.add_error(self.key_field, message % {**field, "row": self.seen[key]})
        if key:
            self.seen[key] = result.line
        target = record if record is not None else self.model(custom={})
        changed = self.fill(target, result)
        if result.errors:
            return None
        result.record, result.changed = target, changed
        if record is None:
            result.outcome = RowResult.NEW
        else:
            result.outcome = RowResult.UPDATED if changed else RowResult.UNCHANGED
        return None

    def fill(self, record, result: RowResult) -> set[str]:
        """Set the row's values on `record`; the names of the fields that changed."""
        changed = set()
        for key, value in result.data.items():
            if key in self.custom.rows or key == "company":
                continue
            if key == self.key_field and getattr(record, key).casefold() == value.casefold():
                continue  # found by it: its spelling is kept
            if getattr(record, key) != value:
                setattr(record, key, value)
                changed.add(key)
        merged = CustomColumns.merged(record.custom, result.data)
        if merged != (record.custom or {}):
            record.custom = merged
            changed.add("custom")
        return changed

    def apply(self, results: Sequence[RowResult]) -> None:
        new = [r.record for r in results if r.outcome == RowResult.NEW]
        updated = [r for r in results if r.outcome == RowResult.UPDATED]
        self.model._default_manager.bulk_create(new)
        fields = sorted({name for r in updated for name in r.changed})
        if fields:
            self.model._default_manager.bulk_update([r.record for r in updated], fields)


class CompanyImporter(_RecordImporter):
    model, kind, key_field, required_for_new, form = Company, "companies", "tax_id", "name", "company"

    def columns_for(self, user: Actor) -> list[Column]:
        return company_columns(user)


class ContactImporter(_RecordImporter):
    """Contacts; the company cell names a company by its tax id or its name (ignoring case)."""

    model, kind, key_field, required_for_new, form = Contact, "contacts", "email", "first_name", "contact"

    def columns_for(self, user: Actor) -> list[Column]:
        return contact_columns(user)

    def prepare(self, results: list[RowResult]) -> None:
        names = {r.data["company"].upper() for r in results if r.data.get("company")}
        self.companies: dict[str, list[Company]] = {}
        if names:
            query = Company.objects.annotate(tax=Upper("tax_id"), upper_name=Upper("name"))
            for company in query.filter(models.Q(tax__in=names) | models.Q(upper_name__in=names)):
                for key in {company.tax_id.upper(), company.name.upper()} - {""}:
                    self.companies.setdefault(key, []).append(company)

    def fill(self, record, result: RowResult) -> set[str]:
        changed = super().fill(record, result)
        if "company" in result.data:
            companies = {c.pk: c for c in self.companies.get(result.data["company"].upper(), [])}
            if len(companies) != 1:
                message = (
                    _("No such company.") if not companies else _("Several companies have this name: use the tax ID.")
                )
                result.add_error("company", message)
            elif record.company_id != next(iter(companies)):
                record.company = next(iter(companies.values()))
                changed.add("company")
        return changed
