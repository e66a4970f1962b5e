"""Read side of the API's catalog lists that the pages have no selector for."""

from django.db.models import QuerySet

from inventory.models import Category


def categories() -> QuerySet[Category]:
    """Every category, by name."""
    return Category.objects.order_by("name", "id")
