"""The filter of the notifications page: all of them, or the unread ones."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        label=_("Unread only"), method="filter_unread", widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset
