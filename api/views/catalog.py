"""Warehouses, categories and products: `/api/v1/warehouses/`, `/categories/`, `/products/`.
The rights and scope of the pages (`inventory.views.warehouses`, `inventory.views.products`);
writes through `inventory.services.warehouses` and `inventory.services.catalog`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.catalogue import (
    ADD_PRODUCT,
    CHANGE_PRODUCT,
    MANAGE_WAREHOUSES,
    VIEW_INVENTORY,
    VIEW_PRODUCT,
    VIEW_WAREHOUSE,
)
from accounts.permissions import require, warehouse_scope, warehouses_for
from api.errors import service_fields
from api.selectors.catalog import categories
from api.serializers.catalog import (
    CategorySerializer,
    ProductInputSerializer,
    ProductSerializer,
    WarehouseInputSerializer,
    WarehouseSerializer,
)
from api.serializers.errors import error_responses
from api.views.base import ApiViewSet, area, filtered, query
from inventory.filters.products import ProductFilter
from inventory.models import Product, Warehouse
from inventory.models.catalog import Unit
from inventory.selectors.catalog import product_list
from inventory.services.catalog import create_product, update_product
from inventory.services.warehouses import create_warehouse, delete_warehouse, update_warehouse
from layouts.builder import load_layout


@extend_schema_view(
    list=extend_schema(responses={200: WarehouseSerializer, **error_responses(403)}),
    retrieve=extend_schema(responses={200: WarehouseSerializer, **error_responses(403, 404)}),
    create=extend_schema(
        request=WarehouseInputSerializer, responses={201: WarehouseSerializer, **error_responses(400, 403)}
    ),
    partial_update=extend_schema(
        request=WarehouseInputSerializer, responses={200: WarehouseSerializer, **error_responses(400, 403, 404)}
    ),
    destroy=extend_schema(responses={204: None, **error_responses(400, 403, 404)}),
)
class WarehouseViewSet(ApiViewSet):
    """The warehouses the user may see; changing one needs the warehouse right on it,
    creating one the right for all warehouses."""

    http_method_names = ["get", "post", "patch", "delete"]
    permission_classes = [IsAuthenticated, area(VIEW_INVENTORY, VIEW_WAREHOUSE)]
    serializer_class = WarehouseSerializer

    def get_queryset(self):
        return warehouses_for(self.request.user, VIEW_WAREHOUSE).order_by("-is_active", "-is_default", "name", "id")

    def _manageable(self, pk) -> Warehouse:
        """A warehouse the user may see (else 404) and manage (else 403), as the pages."""
        warehouse = get_object_or_404(self.get_queryset(), pk=pk)
        require(self.request.user, MANAGE_WAREHOUSES, warehouse)
        return warehouse

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    def create(self, request):
        require(request.user, MANAGE_WAREHOUSES)
        given = WarehouseInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        warehouse = create_warehouse(by=request.user, data=given.to_input())
        return Response(self.get_serializer(warehouse).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        warehouse = self._manageable(pk)
        given = WarehouseInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        warehouse = update_warehouse(warehouse, by=request.user, data=given.to_input(warehouse))
        return Response(self.get_serializer(warehouse).data)

    def destroy(self, request, pk):
        delete_warehouse(self._manageable(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(responses={200: CategorySerializer, **error_responses(403)}))
class CategoryViewSet(ApiViewSet):
    permission_classes = [IsAuthenticated, area(VIEW_INVENTORY, VIEW_PRODUCT)]
    serializer_class = CategorySerializer

    def list(self, request):
        page = self.paginate_queryset(categories())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


PRODUCT_FILTERS = [
    query("q", description="Name or SKU contains, or a barcode equals."),
    query("category", int),
    query("is_active", bool),
    query("unit", enum=Unit.values),
]


@extend_schema_view(
    list=extend_schema(parameters=PRODUCT_FILTERS, responses={200: ProductSerializer, **error_responses(400, 403)}),
    retrieve=extend_schema(responses={200: ProductSerializer, **error_responses(403, 404)}),
    create=extend_schema(
        request=ProductInputSerializer, responses={201: ProductSerializer, **error_responses(400, 403)}
    ),
    partial_update=extend_schema(
        request=ProductInputSerializer, responses={200: ProductSerializer, **error_responses(400, 403, 404)}
    ),
)
class ProductViewSet(ApiViewSet):
    """Products with their barcodes; `on_hand` over the warehouses the user may see."""

    http_method_names = ["get", "post", "patch"]
    permission_classes = [IsAuthenticated, area(VIEW_INVENTORY, VIEW_PRODUCT)]
    serializer_class = ProductSerializer

    def get_queryset(self):
        return product_list(warehouse_ids=warehouse_scope(self.request.user, VIEW_WAREHOUSE)).order_by("name", "id")

    def list(self, request):
        products = filtered(ProductFilter, request, self.get_queryset(), layout=load_layout("product"))
        page = self.paginate_queryset(products)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    def _given(self, request, partial: bool) -> ProductInputSerializer:
        given = ProductInputSerializer(
            data=request.data,
            visible_warehouses=warehouses_for(request.user, VIEW_WAREHOUSE),
            partial_update=partial,
        )
        given.is_valid(raise_exception=True)
        return given

    def create(self, request):
        require(request.user, ADD_PRODUCT)
        given = self._given(request, partial=False)
        product = _saved(lambda: create_product(by=request.user, data=given.to_input()))
        return Response(
            self.get_serializer(self.get_queryset().get(pk=product.pk)).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, pk):
        require(request.user, CHANGE_PRODUCT)
        product = get_object_or_404(Product, pk=pk)
        given = self._given(request, partial=True)
        _saved(lambda: update_product(product, by=request.user, data=given.to_input(product)))
        return Response(self.get_serializer(self.get_queryset().get(pk=product.pk)).data)


def _saved(save):
    """Run a product service; its per-warehouse minimum errors (`min_<id>`) read as `minimums`."""
    try:
        return save()
    except DjangoValidationError as error:
        fields = service_fields(error, rename=lambda name: "minimums" if name.startswith("min_") else name)
        raise DjangoValidationError({name: messages for name, messages in fields.items()}) from error
