"""Balances (`/api/v1/stock/`) and movements (`/api/v1/movements/`, read-only): the warehouses
the user may see, as the stock page and the product page show them."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.catalogue import VIEW_INVENTORY, VIEW_PRODUCT, VIEW_WAREHOUSE
from accounts.permissions import warehouse_scope, warehouses_for
from api.filters.movements import MovementFilter
from api.filters.stock import StockQuery
from api.selectors.movements import movements
from api.serializers.errors import error_responses
from api.serializers.stock import BalanceSerializer, MovementSerializer
from api.views.base import ApiViewSet, area, filtered, query
from inventory.access import shows_purchase_price
from inventory.selectors.stock import stock_rows

STOCK_FILTERS = [
    query("warehouse", int),
    query("product", int),
    query("q", description="Name or SKU contains, or a barcode equals."),
    query("category", int),
    query("below_minimum", bool, "Only what is available below its minimum level."),
    query("non_zero", bool, "Only balances whose on hand is not zero."),
]


@extend_schema_view(
    list=extend_schema(parameters=STOCK_FILTERS, responses={200: BalanceSerializer, **error_responses(400, 403)})
)
class StockViewSet(ApiViewSet):
    permission_classes = [IsAuthenticated, area(VIEW_INVENTORY, VIEW_WAREHOUSE)]
    serializer_class = BalanceSerializer

    def list(self, request):
        user = request.user
        form = StockQuery(request.query_params or None, warehouses=warehouses_for(user, VIEW_WAREHOUSE))
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        filters = form.cleaned_data if form.is_bound else {}
        rows = stock_rows(
            warehouse_ids=warehouse_scope(user, VIEW_WAREHOUSE),
            warehouse=filters.get("warehouse"),
            search=filters.get("q"),
            category=filters.get("category"),
            non_zero=bool(filters.get("non_zero")),
            below_minimum=bool(filters.get("below_minimum")),
        )
        if filters.get("product"):
            rows = rows.filter(product_id=filters["product"])
        page = self.paginate_queryset(rows)
        data = BalanceSerializer(page, many=True, show_value=shows_purchase_price(user)).data
        return self.get_paginated_response(data)


MOVEMENT_FILTERS = [query("warehouse", int), query("product", int), query("document", int)]


@extend_schema_view(
    list=extend_schema(parameters=MOVEMENT_FILTERS, responses={200: MovementSerializer, **error_responses(400, 403)}),
    retrieve=extend_schema(responses={200: MovementSerializer, **error_responses(403, 404)}),
)
class MovementViewSet(ApiViewSet):
    """The ledger's movements in the warehouses the user may see (as a product's page)."""

    permission_classes = [IsAuthenticated, area(VIEW_INVENTORY, VIEW_PRODUCT)]
    serializer_class = MovementSerializer

    def get_queryset(self):
        return movements(warehouse_ids=warehouse_scope(self.request.user, VIEW_WAREHOUSE))

    def list(self, request):
        page = self.paginate_queryset(filtered(MovementFilter, request, self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)
