"""Django admin for the CRM. Companies, contacts and deals are saved through the services, as
the signed-in user, with the services' rights and rules; a deal's product rows (which reserve
stock) are read-only here, and deals are created, won and lost in the CRM pages."""

from django.contrib import admin

from accounts.admin_mixins import SavedByService, input_from
from accounts.catalogue import USE_CRM
from accounts.permissions import can
from crm.models import Company, Contact, Deal, DealRow, Pipeline, Stage
from crm.services.companies import CompanyInput, create_company, update_company
from crm.services.contacts import ContactInput, create_contact, update_contact
from crm.services.deals import DealInput, update_deal


class CrmAdmin(SavedByService, admin.ModelAdmin):
    """Deleting needs the CRM too (the database keeps what documents and deals point at)."""

    def has_delete_permission(self, request, obj=None):
        return can(request.user, USE_CRM) and super().has_delete_permission(request, obj)


@admin.register(Company)
class CompanyAdmin(CrmAdmin):
    list_display = ["name", "tax_id", "phone", "email", "is_supplier", "is_client"]
    list_filter = ["is_supplier", "is_client"]
    search_fields = ["name", "tax_id", "email", "phone"]
    show_full_result_count = False
    readonly_fields = ["custom"]  # custom field values are typed in the app's forms, checked there

    def save_by_service(self, request, form, formsets, change):
        data = input_from(CompanyInput, form.cleaned_data)
        if change:
            return update_company(form.instance, by=request.user, data=data)
        return create_company(by=request.user, data=data)


@admin.register(Contact)
class ContactAdmin(CrmAdmin):
    list_display = ["__str__", "company", "position", "phone", "email"]
    search_fields = ["first_name", "last_name", "email", "phone", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    show_full_result_count = False
    readonly_fields = ["custom"]

    def save_by_service(self, request, form, formsets, change):
        data = input_from(ContactInput, form.cleaned_data)
        if change:
            return update_contact(form.instance, by=request.user, data=data)
        return create_contact(by=request.user, data=data)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 1


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "sort"]
    search_fields = ["name"]
    inlines = [StageInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "kind", "sort"]
    list_filter = ["pipeline", "kind"]
    search_fields = ["name", "pipeline__name"]
    list_select_related = ["pipeline"]


class DealRowInline(admin.TabularInline):
    model = DealRow
    extra = 0
    autocomplete_fields = ["product", "warehouse"]

    def has_add_permission(self, request, obj=None):
        return False  # rows reserve stock: they are edited on the deal page, through the services

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(SavedByService, admin.ModelAdmin):
    list_display = ["title", "company", "contact", "pipeline", "stage", "responsible", "created_at"]
    list_filter = ["pipeline", "stage"]
    search_fields = ["title", "company__name", "contact__last_name"]
    list_select_related = ["company", "contact", "pipeline", "stage", "responsible"]
    readonly_fields = ["pipeline", "stage", "closed_at", "created_by", "custom"]
    autocomplete_fields = ["company", "contact", "responsible"]
    inlines = [DealRowInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # deals are created in the CRM pages, which apply the pipeline's rules

    def has_delete_permission(self, request, obj=None):
        return False  # a deal ends as lost (releasing its reservations), in the CRM pages

    def save_by_service(self, request, form, formsets, change):
        return update_deal(form.instance, by=request.user, data=input_from(DealInput, form.cleaned_data))
