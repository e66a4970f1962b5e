"""The role editor's form: a role's name, members and the permission catalogue as a matrix.

A right that is not per warehouse is a checkbox. A per-warehouse right is a choice (not
granted / all warehouses / chosen warehouses) plus the warehouses to choose. The fields are
built from `accounts.catalogue.RIGHTS`, so a new right appears here by itself.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.catalogue import DOCUMENT_ACTIONS, DOCUMENT_TYPES, RIGHTS, Right
from accounts.models import Role
from accounts.roles import role_grants
from inventory.models import Warehouse

NONE, ALL, CHOSEN = "none", "all", "chosen"
MODES = [(NONE, _("not granted")), (ALL, _("all warehouses")), (CHOSEN, _("chosen warehouses"))]
NEGATIVE = "allow_negative"  # the extra column of the document grid
DOCUMENT_SECTIONS = set(DOCUMENT_TYPES.values())


def field_name(right: Right) -> str:
    """The form field of a right: a checkbox, or the mode choice of a per-warehouse right."""
    return f"{right.app_label}__{right.codename}"


def warehouses_field_name(right: Right) -> str:
    """The form field listing the chosen warehouses of a per-warehouse right."""
    return f"{field_name(right)}__warehouses"


@dataclass
class Cell:
    """One right in the matrix, with its bound field(s)."""

    right: Right
    label: str
    field: forms.BoundField
    warehouses: forms.BoundField | None = None

    @property
    def errors(self):
        errors = list(self.field.errors)
        if self.warehouses is not None:
            errors += self.warehouses.errors
        return errors


@dataclass
class Section:
    """A section of the matrix: a list of rights, or (documents) a grid of type × action."""

    title: str
    rows: list = field(default_factory=list)  # list rows: Cell; grid rows: (type label, [Cell | None])
    columns: list[str] = field(default_factory=list)  # set for the document grid only

    @property
    def is_grid(self) -> bool:
        return bool(self.columns)


class MembersWidget(FilteredSelectMultiple):
    """The admin's two-list selector, in a box of its own: its script puts the lists first in
    the select's parent, which would otherwise push the field's label to the right."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("<div>{}</div>", super().render(name, value, attrs, renderer))


class RoleForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        widget=MembersWidget(_("members"), is_stacked=False),
        help_text=_("The employees in this role."),
    )

    class Meta:
        model = Role
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for every warehouse list of the matrix.
        self.warehouse_choices = [
            (str(pk), name if active else gettext("%(name)s (inactive)") % {"name": name})
            for pk, name, active in Warehouse.objects.order_by("name", "pk").values_list("pk", "name", "is_active")
        ]
        held, chosen = role_grants(self.instance)
        if self.instance.pk is not None:
            self.fields["members"].initial = list(self.instance.user_set.values_list("pk", flat=True))
        for right in RIGHTS:
            label = right.full_label()
            if not right.per_warehouse:
                self.fields[field_name(right)] = forms.BooleanField(
                    label=label,
                    required=False,
                    initial=right.name in held,
                    widget=forms.CheckboxInput({"aria-label": label}),
                )
                continue
            mode = ALL if right.name in held else CHOSEN if chosen.get(right.name) else NONE
            self.fields[field_name(right)] = forms.ChoiceField(
                label=label,
                choices=MODES,
                initial=mode,
                widget=forms.Select(attrs={"data-role-mode": "", "aria-label": label}),
            )
            self.fields[warehouses_field_name(right)] = forms.MultipleChoiceField(
                label=gettext("%(right)s (chosen warehouses)") % {"right": label},
                choices=self.warehouse_choices,
                required=False,
                initial=[str(pk) for pk in sorted(chosen.get(right.name, ()))],
                widget=forms.CheckboxSelectMultiple,
            )

    def clean(self):
        cleaned = super().clean()
        global_perms, per_warehouse = set(), {}
        for right in RIGHTS:
            value = cleaned.get(field_name(right))
            if not right.per_warehouse:
                if value:
                    global_perms.add(right.name)
            elif value == ALL:
                global_perms.add(right.name)
            elif value == CHOSEN:
                warehouses = cleaned.get(warehouses_field_name(right))
                if warehouses:
                    per_warehouse[right.name] = sorted(int(pk) for pk in warehouses)
                elif warehouses_field_name(right) not in self.errors:
                    self.add_error(
                        warehouses_field_name(right),
                        gettext("Choose at least one warehouse, or another option."),
                    )
        self.global_perms, self.per_warehouse = global_perms, per_warehouse
        self.member_list = list(cleaned["members"]) if "members" in cleaned else None
        return cleaned

    def matrix(self) -> list[Section]:
        """The catalogue in its order, grouped for the template: sections of rights, and the
        document types together as one grid (type × action, plus "allow negative")."""
        groups: list[Section] = []
        documents = Section(
            title=gettext("Documents"),
            columns=[gettext(label) for label in DOCUMENT_ACTIONS.values()] + [gettext("allow negative quantity")],
        )
        grid: dict[str, dict[str, Cell]] = {}
        for right in RIGHTS:
            cell = Cell(
                right=right,
                label=gettext(right.label),
                field=self[field_name(right)],
                warehouses=self[warehouses_field_name(right)] if right.per_warehouse else None,
            )
            if right.section in DOCUMENT_SECTIONS:
                if documents not in groups:
                    groups.append(documents)
                action = NEGATIVE if right.codename.startswith(f"{NEGATIVE}_") else right.codename.split("_", 1)[0]
                grid.setdefault(right.section, {})[action] = cell
                continue
            if not groups or groups[-1].title != gettext(right.section):
                groups.append(Section(title=gettext(right.section)))
            groups[-1].rows.append(cell)
        for section, cells in grid.items():
            documents.rows.append((gettext(section), [cells.get(a) for a in (*DOCUMENT_ACTIONS, NEGATIVE)]))
        return groups
