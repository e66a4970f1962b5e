"""The REST API's URLs, under /api/v1/. The API answers an anonymous request with 401 itself
(its views are `login_not_required`), except the documentation page, a page for people."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from api.views import catalog, crm, documents, imports, stock
from api.views.base import ID, NoSuchEndpoint
from api.views.docs import api_docs
from inventory.models import DocumentType

app_name = "api"

TYPE = "(?P<doc_type>" + "|".join(DocumentType.values) + ")"
LIST = {"get": "list", "post": "create"}
ONE = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}


def api(pattern, viewset, actions, name, *, regex=False):
    view = login_not_required(viewset.as_view(actions))
    return re_path(pattern, view, name=name) if regex else path(pattern, view, name=name)


urlpatterns = [
    path("schema/", login_not_required(SpectacularJSONAPIView.as_view()), name="schema"),
    path("docs/", api_docs, name="docs"),
    api("warehouses/", catalog.WarehouseViewSet, LIST, "warehouse-list"),
    api("warehouses/<int:pk>/", catalog.WarehouseViewSet, ONE, "warehouse-detail"),
    api("categories/", catalog.CategoryViewSet, {"get": "list"}, "category-list"),
    api("products/", catalog.ProductViewSet, LIST, "product-list"),
    api("products/<int:pk>/", catalog.ProductViewSet, {"get": "retrieve", "patch": "partial_update"}, "product-detail"),
    api("stock/", stock.StockViewSet, {"get": "list"}, "stock-list"),
    api("movements/", stock.MovementViewSet, {"get": "list"}, "movement-list"),
    api("movements/<int:pk>/", stock.MovementViewSet, {"get": "retrieve"}, "movement-detail"),
    api(rf"^documents/{TYPE}/$", documents.DocumentViewSet, LIST, "document-list", regex=True),
    api(rf"^documents/{TYPE}/(?P<pk>{ID})/$", documents.DocumentViewSet, ONE, "document-detail", regex=True),
    api(
        rf"^documents/{TYPE}/(?P<pk>{ID})/process/$",
        documents.DocumentViewSet,
        {"post": "process"},
        "document-process",
        regex=True,
    ),
    api(
        rf"^documents/{TYPE}/(?P<pk>{ID})/cancel/$",
        documents.DocumentViewSet,
        {"post": "cancel"},
        "document-cancel",
        regex=True,
    ),
    api(
        rf"^documents/{TYPE}/(?P<pk>{ID})/delivery/$",
        documents.DocumentViewSet,
        {"post": "delivery"},
        "document-delivery",
        regex=True,
    ),
    api("companies/", crm.CompanyViewSet, LIST, "company-list"),
    api("companies/<int:pk>/", crm.CompanyViewSet, {"get": "retrieve", "patch": "partial_update"}, "company-detail"),
    api("contacts/", crm.ContactViewSet, LIST, "contact-list"),
    api("contacts/<int:pk>/", crm.ContactViewSet, {"get": "retrieve", "patch": "partial_update"}, "contact-detail"),
    api("deals/", crm.DealViewSet, LIST, "deal-list"),
    api("deals/<int:pk>/", crm.DealViewSet, {"get": "retrieve", "patch": "partial_update"}, "deal-detail"),
    api("deals/<int:pk>/won/", crm.DealViewSet, {"post": "won"}, "deal-won"),
    api("deals/<int:pk>/lost/", crm.DealViewSet, {"post": "lost"}, "deal-lost"),
    api("deals/<int:deal_pk>/rows/", crm.DealRowViewSet, LIST, "deal-row-list"),
    api(
        "deals/<int:deal_pk>/rows/<int:pk>/",
        crm.DealRowViewSet,
        {"patch": "partial_update", "delete": "destroy"},
        "deal-row-detail",
    ),
    api("deals/<int:deal_pk>/rows/<int:pk>/reserve/", crm.DealRowViewSet, {"post": "reserve"}, "deal-row-reserve"),
    api("deals/<int:deal_pk>/rows/<int:pk>/release/", crm.DealRowViewSet, {"post": "release"}, "deal-row-release"),
    api("imports/", imports.ImportViewSet, {"post": "create"}, "import-list"),
    api("imports/<int:pk>/", imports.ImportViewSet, {"get": "retrieve", "patch": "partial_update"}, "import-detail"),
    api("imports/<int:pk>/run/", imports.ImportViewSet, {"post": "run"}, "import-run"),
    api("imports/<int:pk>/errors/", imports.ImportViewSet, {"get": "errors"}, "import-errors"),
    re_path(r"^", login_not_required(NoSuchEndpoint.as_view()), name="no-such-endpoint"),
]
