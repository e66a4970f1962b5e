"""The imports a user sees: their own."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import Actor
from imports.models import ImportJob


def own_jobs(user: Actor, *, kind: str) -> QuerySet[ImportJob]:
    """The user's imports of `kind`, newest first, without their files."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user, kind=kind).defer("content", "failures")


def own_job(user: Actor, pk: int) -> ImportJob:
    """The user's own import (404 for anyone else's: its existence is not revealed)."""
    return get_object_or_404(ImportJob.objects.filter(user_id=user.pk or 0), pk=pk)
