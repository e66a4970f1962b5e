"""Stock documents: `/api/v1/documents/<type>/`. Rights and warehouse scope are the pages'
(`inventory.access`): a document of a warehouse the user may not see is a 404, a missing
right a 403. Every change goes through `inventory.services.documents`."""

from typing import Any

from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from accounts.catalogue import UPDATE_DELIVERY_STATUS, document_right
from accounts.permissions import require, warehouse_scope, warehouses_for
from api.errors import error_body
from api.serializers.documents import (
    DeliverySerializer,
    DocumentDetailSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    ProcessSerializer,
)
from api.serializers.errors import error_responses
from api.services.idempotency import run_once
from api.views.base import IDEMPOTENCY_KEY, ApiViewSet, filtered, query
from inventory.access import require_document_type_right, visible_document
from inventory.filters.documents import DocumentFilter
from inventory.models import DocumentStatus, DocumentType, StockDocument
from inventory.models.documents import layout_key
from inventory.selectors.documents import document_list, unpriced_lines
from inventory.services.delivery import change_delivery_status
from inventory.services.documents import (
    LineInput,
    cancel_document,
    create_document,
    delete_document,
    process_document,
    update_document,
)
from layouts.builder import load_layout

DOC_TYPE = OpenApiParameter(
    "doc_type", str, OpenApiParameter.PATH, enum=DocumentType.values, description="The document type."
)
FILTERS = [
    query("status", enum=DocumentStatus.values),
    query("warehouse", int, "Source or destination warehouse id."),
    query("company", int, "Supplier (receipts) or client (sales orders) id."),
    query("number", description="Part of the number."),
    query("date_from", OpenApiTypes.DATE),
    query("date_to", OpenApiTypes.DATE),
]


@extend_schema_view(
    list=extend_schema(
        parameters=[DOC_TYPE, *FILTERS], responses={200: DocumentSerializer, **error_responses(400, 403, 404)}
    ),
    retrieve=extend_schema(
        parameters=[DOC_TYPE], responses={200: DocumentDetailSerializer, **error_responses(403, 404)}
    ),
    create=extend_schema(
        parameters=[DOC_TYPE, IDEMPOTENCY_KEY],
        request=DocumentInputSerializer,
        responses={201: DocumentDetailSerializer, **error_responses(400, 403, 404, 409, 422)},
    ),
    partial_update=extend_schema(
        parameters=[DOC_TYPE],
        request=DocumentInputSerializer,
        responses={200: DocumentDetailSerializer, **error_responses(400, 403, 404, 409)},
    ),
    destroy=extend_schema(parameters=[DOC_TYPE], responses={204: None, **error_responses(403, 404, 409)}),
)
class DocumentViewSet(ApiViewSet):
    http_method_names = ["get", "post", "patch", "delete"]
    serializer_class = DocumentSerializer

    def _kind(self) -> DocumentType:
        return DocumentType(self.kwargs["doc_type"])  # the URL admits only the types

    def _document(self, pk) -> StockDocument:
        """The document, if it exists and the user may see it; else 404 (as the pages)."""
        return visible_document(self.request.user, self._kind(), pk)

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        document: Any = self._document(pk)  # given its lines, for the serializer
        document.api_lines = list(document.lines.select_related("product").order_by("id"))
        data = DocumentDetailSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def list(self, request, doc_type):
        kind = self._kind()
        require_document_type_right(request.user, "view", kind)
        perm = document_right("view", kind)
        documents = document_list(doc_type=kind, warehouse_ids=warehouse_scope(request.user, perm))
        documents = filtered(
            DocumentFilter,
            request,
            documents,
            doc_type=kind,
            warehouses=warehouses_for(request.user, perm),
            layout=load_layout(layout_key(kind)),
        )
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, doc_type, pk):
        return self._detail(pk)

    def create(self, request, doc_type):
        kind = self._kind()
        require_document_type_right(request.user, "edit", kind)

        def act():
            given = DocumentInputSerializer(data=request.data, doc_type=kind, context=self.get_serializer_context())
            given.is_valid(raise_exception=True)
            header, lines = given.to_input()
            document = create_document(doc_type=kind, by=request.user, header=header, lines=lines or [])
            return self._detail(document.pk, status.HTTP_201_CREATED)

        return run_once(request, act)

    def partial_update(self, request, doc_type, pk):
        document = self._document(pk)
        require(request.user, document_right("edit", document.doc_type), document)
        given = DocumentInputSerializer(
            data=request.data, doc_type=document.doc_type, document=document, context=self.get_serializer_context()
        )
        given.is_valid(raise_exception=True)
        header, lines = given.to_input()
        if lines is None:
            lines = [
                LineInput(product=line.product, quantity=line.quantity, price=line.price)
                for line in document.lines.select_related("product").order_by("id")
            ]
        update_document(document, by=request.user, header=header, lines=lines)
        return self._detail(pk)

    def destroy(self, request, doc_type, pk):
        delete_document(self._document(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[DOC_TYPE, IDEMPOTENCY_KEY],
        request=ProcessSerializer,
        responses={200: DocumentDetailSerializer, **error_responses(400, 403, 404, 409, 422)},
    )
    def process(self, request, doc_type, pk):
        document = self._document(pk)
        require(request.user, document_right("process", document.doc_type), document)

        def act():
            given = ProcessSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            if not given.validated_data["confirm_zero_prices"]:
                unpriced = unpriced_lines(document.doc_type, document.lines.select_related("product").order_by("id"))
                if unpriced and document.is_editable:
                    return _unpriced(document, unpriced)
            process_document(document, by=request.user)
            return self._detail(pk)

        return run_once(request, act)

    @extend_schema(
        parameters=[DOC_TYPE],
        request=None,
        responses={200: DocumentDetailSerializer, **error_responses(403, 404, 409)},
    )
    def cancel(self, request, doc_type, pk):
        cancel_document(self._document(pk), by=request.user)
        return self._detail(pk)

    @extend_schema(
        parameters=[DOC_TYPE, IDEMPOTENCY_KEY],
        request=DeliverySerializer,
        responses={200: DocumentDetailSerializer, **error_responses(400, 403, 404, 409, 422)},
    )
    def delivery(self, request, doc_type, pk):
        """Change the delivery status of a processed sales order or transfer, one step at a time."""
        document = self._document(pk)
        require(request.user, UPDATE_DELIVERY_STATUS, document)

        def act():
            given = DeliverySerializer(data=request.data)
            given.is_valid(raise_exception=True)
            change_delivery_status(document, by=request.user, update=given.to_input())
            return self._detail(pk)

        return run_once(request, act)


def _unpriced(document: StockDocument, unpriced: list) -> Response:
    """A receipt with lines at zero price is not processed unless confirmed (the pages ask too)."""
    message = ngettext(
        "%(number)s was not processed: %(products)s has no price. Enter it, or send "
        "“confirm_zero_prices”: true to process it anyway.",
        "%(number)s was not processed: %(products)s have no price. Enter them, or send "
        "“confirm_zero_prices”: true to process it anyway.",
        len(unpriced),
    ) % {"number": document.number, "products": "; ".join(str(line.product) for line in unpriced)}
    return Response(error_body("unpriced_lines", message), status=status.HTTP_409_CONFLICT)
