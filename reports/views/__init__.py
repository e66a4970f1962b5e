"""The report pages. Importing this package registers every report (`REPORTS`)."""

from reports.views import gross_profit, low_stock, stock, trace  # noqa: F401  (registers the reports)
from reports.views.base import REPORTS

__all__ = ["REPORTS"]
