"""Contact pages (list with search and company filter, create, edit) and the company page
(its contacts, deals, sales orders and active reservations, each list in one query, limited to
what the user may see)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.catalogue import VIEW_INVENTORY, VIEW_WAREHOUSE, document_right
from accounts.permissions import Actor, can, can_somewhere, warehouse_scope
from crm.filters.companies import ContactFilter
from crm.forms.companies import ContactForm
from crm.models import Company, Contact, Deal
from crm.selectors.deals import deal_amount
from crm.services.contacts import create_contact, update_contact
from crm.views.access import crm_view
from inventory.models import DocumentType, Reservation
from inventory.models.reservations import counting
from inventory.selectors.catalog import in_scope
from inventory.selectors.documents import document_list
from layouts.builder import load_layout
from web.errors import add_service_errors
from web.validators import is_id

CONTACTS_PER_PAGE = 50
COMPANY_PAGE_LIMIT = 50


def company_overview(company: Company, user: Actor) -> dict:
    """The lists of the company page (at most `COMPANY_PAGE_LIMIT` of each, newest first). Sales orders only
    from warehouses whose sales orders the user may view; reservations only in warehouses the
    user may see; `sales_orders` is None when the user may see none at all."""
    contacts = list(company.contacts.order_by("last_name", "first_name", "id")[:COMPANY_PAGE_LIMIT])
    deals = list(
        Deal.objects.filter(company=company)
        .select_related("stage", "pipeline")
        .annotate(amount=deal_amount())
        .order_by("-created_at", "-id")[:COMPANY_PAGE_LIMIT]
    )
    sales_orders = None
    view_orders = document_right("view", DocumentType.SALES_ORDER)
    if can(user, VIEW_INVENTORY) and can_somewhere(user, view_orders):
        orders = document_list(
            doc_type=DocumentType.SALES_ORDER, warehouse_ids=warehouse_scope(user, view_orders)
        ).filter(client=company)
        sales_orders = list(orders[:COMPANY_PAGE_LIMIT])
    reservations = []
    if can(user, VIEW_INVENTORY):
        reservations = list(
            in_scope(
                Reservation.objects.filter(counting(), deal__company=company), warehouse_scope(user, VIEW_WAREHOUSE)
            )
            .select_related("product", "warehouse", "deal")
            .order_by("reserved_until", "id")[:COMPANY_PAGE_LIMIT]
        )
    return {
        "contacts": contacts,
        "deals": deals,
        "sales_orders": sales_orders,
        "reservations": reservations,
        "limit": COMPANY_PAGE_LIMIT,
    }


@crm_view
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = Contact.objects.select_related("company").order_by("last_name", "first_name", "id")
    layout = load_layout("contact")
    contact_filter = ContactFilter(request.GET or None, queryset=contacts, layout=layout)
    page_obj = Paginator(contact_filter.qs, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "crm/contacts/list.html",
        {
            "filter": contact_filter,
            "page_obj": page_obj,
            "contacts": page_obj.object_list,
            "custom_columns": layout.list_columns(),
        },
    )


@crm_view
def contact_create(request: HttpRequest) -> HttpResponse:
    company = request.GET.get("company", "")  # from the company page's "New contact"
    form = ContactForm(request.POST or None, initial={"company": company} if is_id(company) else {})
    if request.method == "POST" and form.is_valid():
        try:
            contact = create_contact(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” created.") % {"name": contact})
            return redirect("crm:contact_list")
    return render(request, "crm/contacts/form.html", {"form": form, "contact": None})


@crm_view
def contact_update(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            contact = update_contact(contact, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” saved.") % {"name": contact})
            return redirect("crm:contact_list")
    return render(request, "crm/contacts/form.html", {"form": form, "contact": contact})


@crm_view
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company, pk=pk)
    custom_values = load_layout("company").detail_values(company.custom)
    return render(
        request,
        "crm/companies/detail.html",
        {"company": company, "custom_values": custom_values, **company_overview(company, request.user)},
    )
