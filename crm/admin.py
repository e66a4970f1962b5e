from django.contrib import admin

from crm.models import Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "phone", "email", "is_supplier", "is_client"]
    list_filter = ["is_supplier", "is_client"]
    search_fields = ["name", "tax_id", "email", "phone"]
    show_full_result_count = False
