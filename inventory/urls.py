from django.urls import path  # noqa: F401  (each area adds its routes below)

from inventory.views import documents, live, printing, products, settings, stock, warehouses

app_name = "inventory"

urlpatterns = [
    # warehouses and products
    path("warehouses/", warehouses.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", warehouses.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/edit/", warehouses.warehouse_update, name="warehouse_update"),
    path("warehouses/<int:pk>/deactivate/", warehouses.warehouse_deactivate, name="warehouse_deactivate"),
    path("warehouses/<int:pk>/delete/", warehouses.warehouse_delete, name="warehouse_delete"),
    path("products/", products.product_list_view, name="product_list"),
    path("products/new/", products.product_create, name="product_create"),
    path("products/<int:pk>/", products.product_detail, name="product_detail"),
    path("products/<int:pk>/live/", live.product_live, name="product_live"),
    path("products/<int:pk>/edit/", products.product_update, name="product_update"),
    # documents and stock
    path("documents/<str:doc_type>/", documents.document_list, name="document_list"),
    path("documents/<str:doc_type>/new/", documents.document_create, name="document_create"),
    path("documents/<str:doc_type>/line/", documents.document_line, name="document_line"),
    path("documents/<str:doc_type>/<int:pk>/", documents.document_detail, name="document_detail"),
    path("documents/<str:doc_type>/<int:pk>/live/", live.document_live, name="document_live"),
    path("documents/<str:doc_type>/<int:pk>/print/", printing.document_print, name="document_print"),
    path("documents/<str:doc_type>/<int:pk>/edit/", documents.document_update, name="document_update"),
    path("documents/<str:doc_type>/<int:pk>/process/", documents.document_process, name="document_process"),
    path("documents/<str:doc_type>/<int:pk>/cancel/", documents.document_cancel, name="document_cancel"),
    path("documents/<str:doc_type>/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path("documents/<str:doc_type>/<int:pk>/delivery/", documents.document_delivery, name="document_delivery"),
    path("products/lookup/", documents.product_lookup, name="product_lookup"),
    path("stock/", stock.stock, name="stock"),
    path("stock/live/", live.stock_live, name="stock_live"),
    path("settings/reservations/", settings.reservation_settings, name="reservation_settings"),
    path("settings/costing/", settings.costing_settings, name="costing_settings"),
    path("settings/costing/progress/", settings.costing_progress, name="costing_progress"),
]
