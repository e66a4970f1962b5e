from django.urls import path

from reports.views.dashboard import dashboard_sales
from reports.views.exports import export_download, export_job
from reports.views.gross_profit import gross_profit
from reports.views.low_stock import low_stock
from reports.views.stock import ledger, movements, stock
from reports.views.trace import trace

app_name = "reports"

urlpatterns = [
    path("stock/", stock, name="stock"),
    path("movements/", movements, name="movements"),
    path("movements/ledger/", ledger, name="ledger"),
    path("low-stock/", low_stock, name="low_stock"),
    path("gross-profit/", gross_profit, name="gross_profit"),
    path("trace/", trace, name="trace"),
    path("dashboard/sales/", dashboard_sales, name="dashboard_sales"),
    path("exports/<int:pk>/", export_job, name="export_job"),
    path("exports/<int:pk>/download/", export_download, name="export_download"),
]
