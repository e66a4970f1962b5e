from django.urls import path  # noqa: F401  (each area adds its routes below)

app_name = "inventory"

urlpatterns = [
    # warehouses and products
    # documents and stock
]
