"""Company pages: list (search, filters, pagination), create, edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm.filters.companies import CompanyFilter
from crm.forms.companies import CompanyForm
from crm.models import Company
from crm.services.companies import create_company, update_company
from crm.views.access import crm_view
from layouts.builder import load_layout
from web.errors import add_service_errors

COMPANIES_PER_PAGE = 50


@crm_view
def company_list(request: HttpRequest) -> HttpResponse:
    layout = load_layout("company")
    company_filter = CompanyFilter(request.GET or None, queryset=Company.objects.order_by("name", "id"), layout=layout)
    page_obj = Paginator(company_filter.qs, COMPANIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "crm/companies/list.html",
        {
            "filter": company_filter,
            "page_obj": page_obj,
            "companies": page_obj.object_list,
            "custom_columns": layout.list_columns(),
        },
    )


@crm_view
def company_create(request: HttpRequest) -> HttpResponse:
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = create_company(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Company “%(name)s” created.") % {"name": company.name})
            return redirect("crm:company_list")
    return render(request, "crm/companies/form.html", {"form": form, "company": None})


@crm_view
def company_update(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company, pk=pk)
    form = CompanyForm(request.POST or None, instance=Company.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            company = update_company(company, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Company “%(name)s” saved.") % {"name": company.name})
            return redirect("crm:company_list")
    return render(request, "crm/companies/form.html", {"form": form, "company": company})
