"""What a CRM page needs: "Clients and deals"."""

from accounts.catalogue import USE_CRM
from web.decorators import area_view

crm_view = area_view(USE_CRM)
