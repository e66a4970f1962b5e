"""What every API view shares: its base class, the area check of the pages, their filter
sets, and the pieces of the schema."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.views import APIView

from accounts.permissions import require, require_somewhere

ID = r"[0-9]{1,18}"  # an object id in a URL: a bigint


class ApiViewSet(viewsets.GenericViewSet):
    """A resource of the API. Its ids are digits (anything else is no such URL)."""

    lookup_value_regex = ID
    permission_classes = [IsAuthenticated]


def query(name: str, type_=str, description: str = "", **kwargs) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key (same user) gets the first answer again and changes nothing.",
)


def area(area_right: str, *rights: str) -> type[BasePermission]:
    """A permission class: the user needs `area_right` and each of `rights` on at least one
    warehouse (or globally), as `web.decorators.area_view` asks of a page; else 403."""

    class InArea(BasePermission):
        def has_permission(self, request, view) -> bool:
            require(request.user, area_right)
            for name in rights:
                require_somewhere(request.user, name)
            return True

    return InArea


def filtered(filter_class, request, queryset, **kwargs):
    """`queryset` narrowed by one of the pages' filter sets from the query string; a 400
    naming the field for a value it refuses."""
    filterset = filter_class(request.query_params or None, queryset=queryset, **kwargs)
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


class NoSuchEndpoint(APIView):
    """Any other URL under /api/v1/: a JSON 404 (a 401 without credentials)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()
