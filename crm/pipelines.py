"""The default sales pipeline, created on migrate when there is no pipeline at all."""

from django.db import transaction
from django.utils.translation import gettext_noop

from crm.models import Pipeline, Stage, StageKind

# name, kind, order: the stages of PRODUCT.md (administrators add their own between them).
DEFAULT_STAGES = [
    (gettext_noop("New"), StageKind.OPEN, 10),
    (gettext_noop("In progress"), StageKind.OPEN, 50),
    (gettext_noop("Won"), StageKind.WON, 900),
    (gettext_noop("Lost"), StageKind.LOST, 950),
]


def ensure_default_pipeline(*, using: str = "default", **kwargs) -> None:
    """Create the "Sales" pipeline with its four stages unless some pipeline exists."""
    with transaction.atomic(using=using):
        if Pipeline.objects.using(using).exists():
            return
        pipeline = Pipeline.objects.using(using).create(name=gettext_noop("Sales"), is_default=True, sort=10)
        Stage.objects.using(using).bulk_create(
            [Stage(pipeline=pipeline, name=name, kind=kind, sort=sort) for name, kind, sort in DEFAULT_STAGES]
        )
