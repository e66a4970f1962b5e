from django.urls import path

from history import views

app_name = "history"

urlpatterns = [
    path("products/<int:pk>/", views.product_history, name="product"),
    path("warehouses/<int:pk>/", views.warehouse_history, name="warehouse"),
    path("settings/", views.settings_history, name="settings"),
    path("forms/<str:key>/", views.layout_history, name="layout"),
    path("forms/<str:key>/fields/<str:field_key>/", views.layout_field_history, name="layout_field"),
]
