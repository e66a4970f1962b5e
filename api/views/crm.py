"""Companies, contacts and deals: `/api/v1/companies/`, `/contacts/`, `/deals/` with their
product rows (`/deals/<id>/rows/`), reservations and Won/Lost. Rights as the CRM pages
("Clients and deals"; reserving also needs the reservation rights, checked by the service);
writes through `crm.services` and `inventory.services.reservations`."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.catalogue import USE_CRM
from api.serializers.crm import (
    CompanyInputSerializer,
    CompanySerializer,
    ContactInputSerializer,
    ContactSerializer,
    DealDetailSerializer,
    DealInputSerializer,
    DealRowSerializer,
    DealSerializer,
    ReserveSerializer,
    RowInputSerializer,
)
from api.serializers.errors import error_responses
from api.views.base import ApiViewSet, area, filtered, query
from crm.filters.companies import CompanyFilter, ContactFilter
from crm.filters.deals import DealFilter
from crm.models import Company, Contact, DealRow
from crm.selectors.deals import deal_rows, deals_with_amount
from crm.services.companies import create_company, update_company
from crm.services.contacts import create_contact, update_contact
from crm.services.deals import (
    add_row,
    create_deal,
    deal_sales_orders,
    delete_row,
    lose_deal,
    update_deal,
    update_row,
    win_deal,
)
from inventory.services.reservations import release_row, reserve_row
from layouts.builder import load_layout

IN_CRM = [IsAuthenticated, area(USE_CRM)]


def _crud_schema(output, given, filters=()):
    return extend_schema_view(
        list=extend_schema(parameters=list(filters), responses={200: output, **error_responses(400, 403)}),
        retrieve=extend_schema(responses={200: output, **error_responses(403, 404)}),
        create=extend_schema(request=given, responses={201: output, **error_responses(400, 403)}),
        partial_update=extend_schema(request=given, responses={200: output, **error_responses(400, 403, 404)}),
    )


class _Simple(ApiViewSet):
    """List, show, create and change one kind of CRM record through its services."""

    http_method_names = ["get", "post", "patch"]
    permission_classes = IN_CRM
    filter_class: type
    layout_key: str
    input_class: type
    create_service: Callable
    update_service: Callable

    def list(self, request):
        rows = filtered(self.filter_class, request, self.get_queryset(), layout=load_layout(self.layout_key))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return Response(self.get_serializer(get_object_or_404(self.get_queryset(), pk=pk)).data)

    def create(self, request):
        given = self.input_class(data=request.data)
        given.is_valid(raise_exception=True)
        saved = self.create_service(by=request.user, data=given.to_input())
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        current = get_object_or_404(self.get_queryset(), pk=pk)
        given = self.input_class(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        saved = self.update_service(current, by=request.user, data=given.to_input(current))
        return Response(self.get_serializer(saved).data)


@_crud_schema(CompanySerializer, CompanyInputSerializer, [query("q", description="Name, tax ID or email.")])
class CompanyViewSet(_Simple):
    serializer_class = CompanySerializer
    filter_class = CompanyFilter
    layout_key = "company"
    input_class = CompanyInputSerializer
    create_service = staticmethod(create_company)
    update_service = staticmethod(update_company)

    def get_queryset(self):
        return Company.objects.order_by("name", "id")


@_crud_schema(ContactSerializer, ContactInputSerializer, [query("q"), query("company", int)])
class ContactViewSet(_Simple):
    serializer_class = ContactSerializer
    filter_class = ContactFilter
    layout_key = "contact"
    input_class = ContactInputSerializer
    create_service = staticmethod(create_contact)
    update_service = staticmethod(update_contact)

    def get_queryset(self):
        return Contact.objects.select_related("company").order_by("last_name", "first_name", "id")


DEAL_FILTERS = [
    query("q", description="Part of the title."),
    query("pipeline", int),
    query("stage", int),
    query("responsible", int),
    query("company", int),
    query("state", enum=["open", "closed"]),
]
CLOSE = extend_schema(request=None, responses={200: DealDetailSerializer, **error_responses(400, 403, 404, 409)})


@extend_schema_view(
    list=extend_schema(parameters=DEAL_FILTERS, responses={200: DealSerializer, **error_responses(400, 403)}),
    retrieve=extend_schema(responses={200: DealDetailSerializer, **error_responses(403, 404)}),
    create=extend_schema(
        request=DealInputSerializer, responses={201: DealDetailSerializer, **error_responses(400, 403)}
    ),
    partial_update=extend_schema(
        request=DealInputSerializer, responses={200: DealDetailSerializer, **error_responses(400, 403, 404)}
    ),
)
class DealViewSet(ApiViewSet):
    http_method_names = ["get", "post", "patch"]
    permission_classes = IN_CRM
    serializer_class = DealSerializer

    def get_queryset(self):
        return deals_with_amount().order_by("-created_at", "-id")

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        deal = get_object_or_404(self.get_queryset(), pk=pk)
        deal.api_rows = deal_rows(deal)
        deal.api_orders = list(deal_sales_orders(deal).values_list("pk", flat=True))
        return Response(DealDetailSerializer(deal).data, status=status_code)

    def list(self, request):
        deals = filtered(DealFilter, request, self.get_queryset(), layout=load_layout("deal"))
        page = self.paginate_queryset(deals)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk):
        return self._detail(pk)

    def create(self, request):
        given = DealInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        deal = create_deal(by=request.user, data=given.to_input())
        return self._detail(deal.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk):
        deal = get_object_or_404(self.get_queryset(), pk=pk)
        given = DealInputSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        update_deal(deal, by=request.user, data=given.to_input(deal))
        return self._detail(pk)

    @CLOSE
    def won(self, request, pk):
        """Close the deal as won: its rows become processed sales orders (short stock: 409)."""
        win_deal(get_object_or_404(self.get_queryset(), pk=pk), by=request.user)
        return self._detail(pk)

    @CLOSE
    def lost(self, request, pk):
        """Close the deal as lost, releasing its reservations."""
        lose_deal(get_object_or_404(self.get_queryset(), pk=pk), by=request.user)
        return self._detail(pk)


ROW = {200: DealRowSerializer, **error_responses(400, 403, 404, 409)}


@extend_schema_view(
    list=extend_schema(responses={200: DealRowSerializer(many=True), **error_responses(403, 404)}),
    create=extend_schema(
        request=RowInputSerializer, responses={201: DealRowSerializer, **error_responses(400, 403, 404, 409)}
    ),
    partial_update=extend_schema(request=RowInputSerializer, responses=ROW),
    destroy=extend_schema(responses={204: None, **error_responses(400, 403, 404)}),
)
class DealRowViewSet(ApiViewSet):
    """A deal's product rows. Adding or changing one may reserve (the "on adding" mode);
    `reserve` reserves the row's quantity (or `quantity`) until `reserved_until`."""

    http_method_names = ["get", "post", "patch", "delete"]
    permission_classes = IN_CRM
    serializer_class = DealRowSerializer
    pagination_class = None

    def _deal(self, deal_pk):
        return get_object_or_404(deals_with_amount(), pk=deal_pk)

    def _row(self, deal_pk, pk) -> DealRow:
        """The row, if it belongs to that deal (another deal's row id is a 404)."""
        return get_object_or_404(DealRow.objects.select_related("deal", "product", "warehouse"), pk=pk, deal_id=deal_pk)

    def _shown(self, deal_pk, row_pk, status_code=status.HTTP_200_OK) -> Response:
        row = next(row for row in deal_rows(self._deal(deal_pk)) if row.pk == row_pk)
        return Response(DealRowSerializer(row).data, status=status_code)

    def list(self, request, deal_pk):
        return Response(DealRowSerializer(deal_rows(self._deal(deal_pk)), many=True).data)

    def create(self, request, deal_pk):
        deal = self._deal(deal_pk)
        given = RowInputSerializer(data=request.data, user=request.user)
        given.is_valid(raise_exception=True)
        row = add_row(deal, by=request.user, row=given.to_input())
        return self._shown(deal_pk, row.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, deal_pk, pk):
        row = self._row(deal_pk, pk)
        given = RowInputSerializer(data=request.data, user=request.user, row=row)
        given.is_valid(raise_exception=True)
        update_row(row, by=request.user, data=given.to_input())
        return self._shown(deal_pk, row.pk)

    def destroy(self, request, deal_pk, pk):
        delete_row(self._row(deal_pk, pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReserveSerializer, responses=ROW)
    def reserve(self, request, deal_pk, pk):
        row = self._row(deal_pk, pk)
        given = ReserveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        reserve_row(row, by=request.user, **given.validated_data)
        return self._shown(deal_pk, row.pk)

    @extend_schema(request=None, responses=ROW)
    def release(self, request, deal_pk, pk):
        row = self._row(deal_pk, pk)
        release_row(row, by=request.user)
        return self._shown(deal_pk, row.pk)
