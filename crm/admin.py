from django.contrib import admin

from crm.models import Company, Contact, Deal, DealRow, Pipeline, Stage


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "phone", "email", "is_supplier", "is_client"]
    list_filter = ["is_supplier", "is_client"]
    search_fields = ["name", "tax_id", "email", "phone"]
    show_full_result_count = False
    readonly_fields = ["custom"]  # custom field values are typed in the app's forms, checked there


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "position", "phone", "email"]
    search_fields = ["first_name", "last_name", "email", "phone", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    show_full_result_count = False
    readonly_fields = ["custom"]


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
class DealAdmin(admin.ModelAdmin):
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
