from django.urls import path

from imports.views import imports

app_name = "imports"

urlpatterns = [
    path("products/", imports.upload, {"kind": "products"}, name="products"),
    path("products/template/", imports.template, {"kind": "products"}, name="products_template"),
    path("products/export/", imports.export, {"kind": "products"}, name="products_export"),
    path("balances/", imports.upload, {"kind": "balances"}, name="balances"),
    path("balances/template/", imports.template, {"kind": "balances"}, name="balances_template"),
    path("companies/", imports.upload, {"kind": "companies"}, name="companies"),
    path("companies/template/", imports.template, {"kind": "companies"}, name="companies_template"),
    path("contacts/", imports.upload, {"kind": "contacts"}, name="contacts"),
    path("contacts/template/", imports.template, {"kind": "contacts"}, name="contacts_template"),
    path("<int:pk>/", imports.job_page, name="job"),
    path("<int:pk>/run/", imports.job_run, name="job_run"),
    path("<int:pk>/errors/", imports.job_errors, name="job_errors"),
]
