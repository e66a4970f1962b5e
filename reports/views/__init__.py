"""The report pages. Importing this package registers every report (`REPORTS`)."""

from reports.views import low_stock  # noqa: F401  (registers the report)
from reports.views.base import REPORTS

__all__ = ["REPORTS"]
