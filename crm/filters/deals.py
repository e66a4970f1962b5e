"""Filters of the deal list: pipeline, stage, responsible, company, title, open or closed; sorting."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.models import Company, Deal, Pipeline, Stage, StageKind
from layouts.filters import CustomFieldFilters


def _select(**kwargs):
    return forms.Select(attrs={"class": "form-select"}, **kwargs)


class OldestFirst(django_filters.OrderingFilter):
    """Newest first (the list's own order, the empty choice) or oldest first. django-filter's
    own "… (descending)" labels are built once, in the language active at import."""

    def build_choices(self, fields, labels):
        return [("created", _("Oldest first"))]


class DealFilter(CustomFieldFilters, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title"),
        field_name="title",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Search by title"), "class": "form-control"}),
    )
    pipeline = django_filters.ModelChoiceFilter(label=_("Pipeline"), queryset=Pipeline.objects.all(), widget=_select())
    stage = django_filters.ModelChoiceFilter(
        label=_("Stage"), queryset=Stage.objects.select_related("pipeline"), widget=_select()
    )
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        widget=_select(),
    )
    company = django_filters.ModelChoiceFilter(
        label=_("Company"), queryset=Company.objects.filter(is_client=True), widget=_select()
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        method="filter_state",
        empty_label=_("Any"),
        choices=[("open", _("Open")), ("closed", _("Closed"))],
        widget=_select(),
    )
    sort = OldestFirst(label=_("Sort"), fields=[("created_at", "created")], empty_label=_("Newest first"))

    class Meta:
        model = Deal
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stages = self.filters["stage"].field
        stages.label_from_instance = lambda stage: f"{stage.pipeline} · {stage}"
        users = self.filters["responsible"].field
        users.label_from_instance = lambda user: user.get_full_name() or user.get_username()

    @property
    def form(self):
        form = super().form
        for name in ("sort",):
            form.fields[name].widget.attrs.setdefault("class", "form-select")
        return form

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(stage__kind=StageKind.OPEN)
        if value == "closed":
            return queryset.exclude(stage__kind=StageKind.OPEN)
        return queryset
