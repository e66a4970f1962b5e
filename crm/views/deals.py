"""Deal pages: list, board, detail, create/edit, product rows and their reservations, Won/Lost.

Every change goes through `crm.services.deals` or `inventory.services.reservations`. A refusal
(`StockError` such as `InsufficientStock`, or a `ValidationError`) becomes a message on the deal
page and changes nothing; `PermissionDenied` is a 403; an unknown deal or row is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.catalogue import CHANGE_DEAL_PRICES, RESERVE_IN_DEALS
from accounts.permissions import can
from crm.filters.deals import DealFilter
from crm.forms.deals import DealForm, ReservedUntilForm, RowForm
from crm.models import Deal, DealRow, Pipeline, Stage, StageKind
from crm.selectors.deals import deal_rows, deal_version, deals_with_amount
from crm.services.deals import (
    add_row,
    create_deal,
    deal_sales_orders,
    delete_row,
    lose_deal,
    move_deal,
    update_deal,
    update_row,
    win_deal,
)
from crm.views.access import crm_view
from inventory.errors import StockError
from inventory.formatting import format_quantity
from inventory.services.reservations import release_row, reserve_row, set_reserved_until
from layouts.builder import load_layout
from web.errors import add_service_errors, run_reporting
from web.live import version_response
from web.redirects import safe_next
from web.validators import is_id

DEALS_PER_PAGE = 50
CLOSED_ON_BOARD = 20  # the latest won / lost deals a board shows


def _deal_or_404(pk: int) -> Deal:
    return get_object_or_404(deals_with_amount(), pk=pk)


def _row_or_404(pk: int, row_pk: int) -> DealRow:
    """The row, if it belongs to that deal (another deal's row id is a 404)."""
    return get_object_or_404(DealRow.objects.select_related("deal", "product", "warehouse"), pk=row_pk, deal_id=pk)


def deal_url(deal) -> str:
    return reverse("crm:deal_detail", args=[deal.pk])


# --- lists ---------------------------------------------------------------------------------


@require_GET
@crm_view
def deal_list(request: HttpRequest) -> HttpResponse:
    layout = load_layout("deal")
    deal_filter = DealFilter(
        request.GET or None, queryset=deals_with_amount().order_by("-created_at", "-id"), layout=layout
    )
    page_obj = Paginator(deal_filter.qs, DEALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "crm/deals/list.html",
        {
            "filter": deal_filter,
            "page_obj": page_obj,
            "deals": page_obj.object_list,
            "custom_columns": layout.list_columns(),
        },
    )


@require_GET
@crm_view
def deal_board(request: HttpRequest) -> HttpResponse:
    pipelines = list(Pipeline.objects.order_by("sort", "id"))
    wanted = request.GET.get("pipeline", "")
    pipeline = next((p for p in pipelines if is_id(wanted) and p.pk == int(wanted)), None)
    if pipeline is None:
        pipeline = next((p for p in pipelines if p.is_default), pipelines[0] if pipelines else None)
    columns = []
    if pipeline is not None:
        stages = list(pipeline.stages.order_by("sort", "id"))
        deals = deals_with_amount().filter(pipeline=pipeline)
        found = list(deals.filter(stage__kind=StageKind.OPEN).order_by("-created_at", "-id"))
        for kind in (StageKind.WON, StageKind.LOST):
            found += list(deals.filter(stage__kind=kind).order_by("-closed_at", "-id")[:CLOSED_ON_BOARD])
        by_stage: dict[int, list[Deal]] = {stage.pk: [] for stage in stages}
        for deal in found:
            by_stage.setdefault(deal.stage_id, []).append(deal)
        columns = [{"stage": stage, "deals": by_stage[stage.pk]} for stage in stages]
    return render(
        request,
        "crm/deals/board.html",
        {
            "pipelines": pipelines,
            "pipeline": pipeline,
            "columns": columns,
            "stages": [column["stage"] for column in columns],
            "board_url": request.get_full_path(),
        },
    )


# --- one deal ------------------------------------------------------------------------------


@require_GET
@crm_view
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    rows = deal_rows(deal)
    is_open = not deal.stage.is_closed
    return render(
        request,
        "crm/deals/detail.html",
        {
            "deal": deal,
            "rows": rows,
            "total": sum((row.amount for row in rows), 0),
            "is_open": is_open,
            "row_form": RowForm(user=request.user, auto_id="id_new_%s") if is_open else None,
            "may_reserve": can(request.user, RESERVE_IN_DEALS),
            "may_price": can(request.user, CHANGE_DEAL_PRICES),
            "orders": list(deal_sales_orders(deal).select_related("warehouse")),
            "stages": list(deal.pipeline.stages.order_by("sort", "id")),
            # A won or lost deal shows every value it was saved with, whatever the layout is now.
            "custom_values": load_layout("deal").detail_values(deal.custom, all_stored=not is_open),
        },
    )


@require_GET
@crm_view
def deal_live(request: HttpRequest, pk: int) -> JsonResponse:
    """The change version of the deal's page (static/js/live.js)."""
    return version_response(deal_version(get_object_or_404(Deal, pk=pk)))


@require_http_methods(["GET", "POST"])
@crm_view
def deal_create(request: HttpRequest) -> HttpResponse:
    form = DealForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            deal = create_deal(by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deal “%(title)s” created.") % {"title": deal.title})
            return redirect(deal_url(deal))
    return render(request, "crm/deals/form.html", {"form": form, "deal": None})


@require_http_methods(["GET", "POST"])
@crm_view
def deal_update(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    form = DealForm(request.POST or None, user=request.user, deal=deal)
    if request.method == "POST" and form.is_valid():
        try:
            deal = update_deal(deal, by=request.user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Deal “%(title)s” saved.") % {"title": deal.title})
            return redirect(deal_url(deal))
    return render(request, "crm/deals/form.html", {"form": form, "deal": deal})


@require_POST
@crm_view
def deal_move(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    stage_id = request.POST.get("stage", "")
    stage = Stage.objects.filter(pk=stage_id, pipeline_id=deal.pipeline_id).first() if is_id(stage_id) else None
    if stage is None:
        messages.error(request, _("Choose one of the stages of the deal's pipeline."))
    elif stage.pk != deal.stage_id:
        run_reporting(
            request,
            lambda: move_deal(deal, by=request.user, stage=stage),
            _("“%(title)s” moved to %(stage)s.") % {"title": deal.title, "stage": _(stage.name)},
        )
    return redirect(safe_next(request, deal_url(deal)))


@require_POST
@crm_view
def deal_win(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    run_reporting(request, lambda: win_deal(deal, by=request.user), _("“%(title)s” is won.") % {"title": deal.title})
    return redirect(deal_url(deal))


@require_POST
@crm_view
def deal_lose(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    run_reporting(
        request,
        lambda: lose_deal(deal, by=request.user),
        _("“%(title)s” is lost; its reservations are released.") % {"title": deal.title},
    )
    return redirect(deal_url(deal))


# --- product rows --------------------------------------------------------------------------


def _row_page(request, deal, form, row=None, status=200):
    return render(request, "crm/deals/row_form.html", {"deal": deal, "form": form, "row": row}, status=status)


def _save_row(request, deal, form, save, row=None):
    if not form.is_valid():
        return _row_page(request, deal, form, row)
    try:
        saved = save(form.to_input())
    except ValidationError as error:
        add_service_errors(form, error)
        return _row_page(request, deal, form, row)
    except StockError as error:
        messages.error(request, str(error))
        return redirect(deal_url(deal))
    reservation = saved.reservations.filter(status="active").first()
    if reservation is not None:
        reserved = _("%(quantity)s reserved in %(warehouse)s.") % {
            "quantity": format_quantity(reservation.quantity, saved.product.unit),
            "warehouse": reservation.warehouse,
        }
    else:
        reserved = _("Nothing is reserved for it.")
    messages.success(request, _("Row “%(product)s” saved.") % {"product": saved.product} + " " + reserved)
    return redirect(deal_url(deal))


@require_http_methods(["GET", "POST"])
@crm_view
def deal_row_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_or_404(pk)
    form = RowForm(request.POST or None, user=request.user)
    if request.method == "POST":
        return _save_row(request, deal, form, lambda data: add_row(deal, by=request.user, row=data))
    return _row_page(request, deal, form)


@require_http_methods(["GET", "POST"])
@crm_view
def deal_row_update(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = _row_or_404(pk, row_pk)
    deal = _deal_or_404(pk)
    form = RowForm(request.POST or None, user=request.user, row=row)
    if request.method == "POST":
        return _save_row(request, deal, form, lambda data: update_row(row, by=request.user, data=data), row)
    return _row_page(request, deal, form, row)


@require_POST
@crm_view
def deal_row_delete(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = _row_or_404(pk, row_pk)
    run_reporting(
        request, lambda: delete_row(row, by=request.user), _("Row “%(product)s” removed.") % {"product": row.product}
    )
    return redirect(deal_url(row.deal))


# --- reservations --------------------------------------------------------------------------


@require_POST
@crm_view
def deal_row_reserve(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = _row_or_404(pk, row_pk)
    run_reporting(
        request,
        lambda: reserve_row(row, by=request.user),
        _("%(quantity)s of “%(product)s” reserved.")
        % {"quantity": format_quantity(row.quantity, row.product.unit), "product": row.product},
    )
    return redirect(deal_url(row.deal))


@require_POST
@crm_view
def deal_row_release(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = _row_or_404(pk, row_pk)
    run_reporting(
        request,
        lambda: release_row(row, by=request.user),
        _("The reservation of “%(product)s” is released.") % {"product": row.product},
    )
    return redirect(deal_url(row.deal))


@require_POST
@crm_view
def reservation_until(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    row = _row_or_404(pk, row_pk)
    form = ReservedUntilForm(request.POST)
    reservation = row.reservations.filter(status="active").first()
    if reservation is None:
        messages.error(request, _("“%(product)s” has no reservation to change.") % {"product": row.product})
    elif not form.is_valid():
        # An ErrorList yields its messages (str); the stubs type its items as ValidationError | str.
        errors = form.errors.get("reserved_until", [_("Enter a valid date and time.")])
        messages.error(request, " ".join(errors))  # type: ignore[arg-type]
    else:
        run_reporting(
            request,
            lambda: set_reserved_until(reservation, by=request.user, until=form.cleaned_data["reserved_until"]),
            _("The reservation of “%(product)s” now ends on %(until)s.")
            % {
                "product": row.product,
                "until": date_format(localtime(form.cleaned_data["reserved_until"]), "DATETIME_FORMAT"),
            },
        )
    return redirect(deal_url(row.deal))
