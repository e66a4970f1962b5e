from django.urls import path

from crm.views import companies, contacts, deals

app_name = "crm"

urlpatterns = [
    path("companies/", companies.company_list, name="company_list"),
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/edit/", companies.company_update, name="company_update"),
    path("companies/<int:pk>/", contacts.company_detail, name="company_detail"),
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/new/", contacts.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", contacts.contact_update, name="contact_update"),
    path("deals/", deals.deal_list, name="deal_list"),
    path("deals/board/", deals.deal_board, name="deal_board"),
    path("deals/new/", deals.deal_create, name="deal_create"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/live/", deals.deal_live, name="deal_live"),
    path("deals/<int:pk>/edit/", deals.deal_update, name="deal_update"),
    path("deals/<int:pk>/move/", deals.deal_move, name="deal_move"),
    path("deals/<int:pk>/won/", deals.deal_win, name="deal_win"),
    path("deals/<int:pk>/lost/", deals.deal_lose, name="deal_lose"),
    path("deals/<int:pk>/rows/new/", deals.deal_row_add, name="deal_row_add"),
    path("deals/<int:pk>/rows/<int:row_pk>/edit/", deals.deal_row_update, name="deal_row_update"),
    path("deals/<int:pk>/rows/<int:row_pk>/delete/", deals.deal_row_delete, name="deal_row_delete"),
    path("deals/<int:pk>/rows/<int:row_pk>/reserve/", deals.deal_row_reserve, name="deal_row_reserve"),
    path("deals/<int:pk>/rows/<int:row_pk>/release/", deals.deal_row_release, name="deal_row_release"),
    path("deals/<int:pk>/rows/<int:row_pk>/reserved-until/", deals.reservation_until, name="reservation_until"),
]
