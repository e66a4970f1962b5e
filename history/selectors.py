"""Reading the change history: a page of an object's changes (who, when, field, old → new),
across the event tables that concern it, with each field's label and display values.

A page costs the same number of queries however many changes it lists: the count and the page
(one union over the sources), then per event table on the page its rows and their previous
snapshots, then per related model (categories, warehouses, users, rights…) one lookup.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import Permission, User
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import BooleanField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.catalogue import BY_NAME
from inventory.formatting import format_amount, format_quantity
from inventory.models.quantities import MONEY_DECIMALS
from layouts import types
from layouts.builder import custom_label
from layouts.models import LayoutField

PER_PAGE = 25
INSERT, UPDATE, DELETE = "insert", "update", "delete"
BASELINE = "baseline"  # the rows as they were when the history began (history/migrations): never listed


@dataclass(frozen=True)
class Source:
    """One event table's share of a history page: the rows of `model` matching `where`.
    `subject` names what a row is about when it is not the object itself (a minimum level,
    a right, a field); `hidden` fields are never shown (and an update of only those is not
    listed); `form` is the layout key whose custom fields the JSON field `custom` holds;
    `verbs` replace "Created"/"Deleted" (a right is granted and revoked)."""

    model: type[models.Model]
    where: Q
    subject: Callable[["Row", "Lookups"], str] | None = None
    hidden: frozenset[str] = frozenset()
    form: str = ""
    verbs: dict[str, str] = field(default_factory=dict)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    user: User | None
    source: str  # "web", "api", "worker", "import", "command", or "" when unknown
    kind: str  # INSERT, UPDATE or DELETE
    action: str
    subject: str
    changes: list[Change]


Row = models.Model  # an event row (a snapshot of the tracked row, with pgh_* fields)


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """The tracked model's fields that its event model copies, in the tracked model's order."""
    tracked = model.pgh_tracked_model  # type: ignore[attr-defined]
    copied = {f.name for f in model._meta.fields}
    return [f for f in tracked._meta.fields if f.name in copied and not f.primary_key]


def _changed_visible(model: type[models.Model], hidden: frozenset[str]) -> RawSQL:
    """True when the event row differs from the object's previous snapshot in a shown field
    (always true for a row without a previous snapshot)."""
    table = model._meta.db_table
    columns = [f.column for f in _tracked_fields(model) if f.name not in hidden]
    same = " AND ".join(f'p."{c}" IS NOT DISTINCT FROM "{table}"."{c}"' for c in columns) or "TRUE"
    sql = (
        f'NOT EXISTS (SELECT 1 FROM "{table}" p WHERE p.pgh_obj_id = "{table}".pgh_obj_id AND p.pgh_id = '
        f'(SELECT max(q.pgh_id) FROM "{table}" q WHERE q.pgh_obj_id = "{table}".pgh_obj_id '
        f'AND q.pgh_id < "{table}".pgh_id) AND {same})'
    )
    return RawSQL(sql, [], output_field=BooleanField())


def _listed(source: Source, kind: int):
    rows = source.model._default_manager.filter(source.where).exclude(pgh_label=BASELINE)
    if source.hidden:
        rows = rows.alias(shows=_changed_visible(source.model, source.hidden)).filter(
            ~Q(pgh_label=UPDATE) | Q(shows=True)
        )
    return rows.annotate(kind=Value(kind)).values_list("pgh_created_at", "pgh_id", "kind")


class Lookups:
    """Display values of related rows, read once per related model for a whole page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}
        self.custom: dict[str, set[str]] = defaultdict(set)
        self.custom_fields: dict[tuple[str, str], LayoutField] = {}

    def want(self, model: type[models.Model], pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            query = model._default_manager.all()
            if model is Permission:
                query = query.select_related("content_type")
            self.found[model] = query.in_bulk(sorted(pks))
        forms = [form for form, keys in self.custom.items() if keys]
        if forms:
            rows = LayoutField.objects.filter(layout__key__in=forms, is_custom=True).select_related("layout")
            self.custom_fields = {(row.layout.key, row.key): row for row in rows}

    def text(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return ""
        obj = self.found.get(model, {}).get(pk)
        if obj is None:
            return _("#%(id)s (deleted)") % {"id": pk}
        if isinstance(obj, Permission):
            known = BY_NAME.get(f"{obj.content_type.app_label}.{obj.codename}")
            return known.full_label() if known else obj.name
        if isinstance(obj, User):
            return obj.get_full_name() or obj.get_username()
        return str(obj)

    def user(self, pk) -> User | None:
        found = self.found.get(User, {}).get(pk)
        return found if isinstance(found, User) else None


def _display(model_field: models.Field, value, lookups: Lookups) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(model_field, models.ForeignKey):
        return lookups.text(model_field.related_model, value)  # type: ignore[arg-type]
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DecimalField):
        if model_field.decimal_places == MONEY_DECIMALS and model_field.name.endswith("price"):
            return format_amount(Decimal(value))
        return format_quantity(Decimal(value))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _custom_changes(form: str, old: dict, new: dict, lookups: Lookups) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        row = lookups.custom_fields.get((form, key))
        field_type = row.field_type if row else ""
        changes.append(
            Change(
                label=custom_label(row) if row else key,
                old=types.display(old.get(key), field_type),
                new=types.display(new.get(key), field_type),
            )
        )
    return changes


def _changes(source: Source, row: Row, previous: Row | None, lookups: Lookups) -> list[Change]:
    if row.pgh_label == DELETE or source.verbs:  # type: ignore[attr-defined]
        return []
    changes = []
    for model_field in _tracked_fields(source.model):
        if model_field.name in source.hidden:
            continue
        new = getattr(row, model_field.attname)
        old = getattr(previous, model_field.attname) if previous is not None else None
        if previous is not None and old == new:
            continue
        if source.form and isinstance(model_field, models.JSONField):
            changes += _custom_changes(source.form, old or {}, new or {}, lookups)
            continue
        if previous is None and new in (None, "", [], {}):
            continue
        label = capfirst(str(model_field.verbose_name))
        changes.append(Change(label, _display(model_field, old, lookups), _display(model_field, new, lookups)))
    return changes


def _action(source: Source, row: Row) -> str:
    label = row.pgh_label  # type: ignore[attr-defined]
    if label in source.verbs:
        return source.verbs[label]
    return {INSERT: _("Created"), UPDATE: _("Changed"), DELETE: _("Deleted")}[label]


def history(sources: Iterable[Source], page: str | int | None, *, per_page: int = PER_PAGE) -> tuple[Page, list[Entry]]:
    """A page of the changes of `sources`, newest first: the paginator's page and its entries."""
    sources = list(sources)
    queries = [_listed(source, kind) for kind, source in enumerate(sources)]
    union = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    page_obj = Paginator(union.order_by("-pgh_created_at", "-pgh_id", "kind"), per_page).get_page(page)
    listed = list(page_obj.object_list)

    ids_by_kind: dict[int, list[int]] = defaultdict(list)
    for _at, pgh_id, kind in listed:
        ids_by_kind[kind].append(pgh_id)
    rows: dict[tuple[int, int], Row] = {}
    previous: dict[tuple[int, int], Row] = {}
    lookups = Lookups()
    for kind, ids in ids_by_kind.items():
        source = sources[kind]
        manager = source.model._default_manager
        before = manager.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id")).order_by("-pgh_id")
        found = list(manager.filter(pgh_id__in=ids).annotate(previous_id=Subquery(before.values("pgh_id")[:1])))
        earlier = manager.in_bulk([row.previous_id for row in found if row.previous_id is not None])
        for row in found:
            rows[kind, row.pk] = row
            if row.previous_id in earlier:
                previous[kind, row.pk] = earlier[row.previous_id]
        for row in [*found, *earlier.values()]:
            context = row.pgh_context or {}
            lookups.want(User, context.get("user"))
            for model_field in _tracked_fields(source.model):
                if isinstance(model_field, models.ForeignKey):
                    lookups.want(model_field.related_model, getattr(row, model_field.attname))  # type: ignore[arg-type]
                elif source.form and isinstance(model_field, models.JSONField):
                    lookups.custom[source.form].update(getattr(row, model_field.attname) or {})
    lookups.load()

    entries = []
    for _at, pgh_id, kind in listed:
        source, row = sources[kind], rows[kind, pgh_id]
        context = row.pgh_context or {}  # type: ignore[attr-defined]
        entries.append(
            Entry(
                at=row.pgh_created_at,  # type: ignore[attr-defined]
                user=lookups.user(context.get("user")),
                source=context.get("source", ""),
                kind=row.pgh_label,  # type: ignore[attr-defined]
                action=_action(source, row),
                subject=source.subject(row, lookups) if source.subject else "",
                changes=_changes(source, row, previous.get((kind, pgh_id)), lookups),
            )
        )
    return page_obj, entries


def field_text(row: Row, name: str, lookups: Lookups) -> str:
    """A row's field as the page shows it (for a source's `subject`)."""
    model_field = cast(models.Field, row._meta.get_field(name))
    return _display(model_field, getattr(row, model_field.attname), lookups)


# -- the history of each kind of object ---------------------------------------------------------


def _minimum_of(other: str):
    def subject(row: Row, lookups: Lookups) -> str:
        return _("Minimum stock level · %(name)s") % {"name": field_text(row, other, lookups)}

    return subject


def _scoped(where: Q, warehouse_ids: frozenset[int] | None) -> Q:
    return where if warehouse_ids is None else where & Q(warehouse_id__in=sorted(warehouse_ids))


def product_sources(product_id: int, *, warehouse_ids: frozenset[int] | None, purchase_price: bool) -> list[Source]:
    """A product's changes, and its minimum levels' in the warehouses `warehouse_ids` (None:
    all); the purchase price only when `purchase_price`."""
    from history.models import MinimumStockEvent, ProductEvent

    return [
        Source(
            ProductEvent,
            Q(pgh_obj_id=product_id),
            hidden=frozenset() if purchase_price else frozenset({"purchase_price"}),
            form="product",
        ),
        Source(
            MinimumStockEvent,
            _scoped(Q(product_id=product_id), warehouse_ids),
            subject=_minimum_of("warehouse"),
            hidden=frozenset({"product", "warehouse"}),
        ),
    ]


def warehouse_sources(warehouse_id: int) -> list[Source]:
    """A warehouse's changes and its minimum levels'."""
    from history.models import MinimumStockEvent, WarehouseEvent

    return [
        Source(WarehouseEvent, Q(pgh_obj_id=warehouse_id), form="warehouse"),
        Source(
            MinimumStockEvent,
            Q(warehouse_id=warehouse_id),
            subject=_minimum_of("product"),
            hidden=frozenset({"product", "warehouse"}),
        ),
    ]


def _right_of(row: Row, lookups: Lookups) -> str:
    return field_text(row, "permission", lookups)


def _right_on_warehouse(row: Row, lookups: Lookups) -> str:
    return _("%(right)s (on %(warehouse)s)") % {
        "right": field_text(row, "permission", lookups),
        "warehouse": field_text(row, "content_object", lookups),
    }


def _member(row: Row, lookups: Lookups) -> str:
    return field_text(row, "user", lookups)


def role_sources(role_id: int) -> list[Source]:
    """A role's changes: its name, the rights it holds for all or on chosen warehouses, its members."""
    from history.models import RoleEvent, RoleMemberEvent, RolePermissionEvent, RoleWarehousePermissionEvent

    granted = {INSERT: _("Granted"), DELETE: _("Revoked")}
    return [
        Source(RoleEvent, Q(pgh_obj_id=role_id)),
        Source(RolePermissionEvent, Q(group_id=role_id), subject=_right_of, verbs=granted),
        Source(RoleWarehousePermissionEvent, Q(group_id=role_id), subject=_right_on_warehouse, verbs=granted),
        Source(
            RoleMemberEvent,
            Q(group_id=role_id),
            subject=_member,
            verbs={INSERT: _("Member added"), DELETE: _("Member removed")},
        ),
    ]


def settings_sources() -> list[Source]:
    """The inventory section's settings (reservations, negative stock, the costing method)."""
    from history.models import InventorySettingsEvent

    return [Source(InventorySettingsEvent, Q())]


def _field_named(labels: dict[str, str]):
    def subject(row: Row, lookups: Lookups) -> str:
        key = row.key  # type: ignore[attr-defined]
        name = custom_label(row) if row.is_custom else labels.get(key, key)  # type: ignore[attr-defined, arg-type]
        return _("Field “%(name)s”") % {"name": name}

    return subject


def layout_sources(layout_id: int, labels: dict[str, str], *, field_id: int | None = None) -> list[Source]:
    """A form layout's changes (its fields' places, visibility, labels, and its custom fields),
    or only one field's when `field_id` is given; `labels`: the standard fields' labels."""
    from history.models import LayoutFieldEvent

    where = Q(layout_id=layout_id) if field_id is None else Q(pgh_obj_id=field_id)
    return [Source(LayoutFieldEvent, where, subject=_field_named(labels), hidden=frozenset({"layout"}))]
