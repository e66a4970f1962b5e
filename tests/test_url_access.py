"""Every URL, walked from the resolver: who may open it.

1. Anonymous GET of any URL → redirect to a sign-in page (except the explicit PUBLIC list); the
   REST API answers 401 itself (JSON), but for its documentation page, a page for people.
2. Each URL outside the admin has an entry in MATRIX (a new URL without one fails), naming the
   right a GET and a POST need; each default role gets the expected status, derived from the
   role's grants (tests/accounts/test_default_roles.py pins those to PRODUCT.md's table), and
   for a clerk whose warehouse rights are granted on chosen warehouses only (a page whose POST
   needs a right for all warehouses is refused on GET too).
3. Each endpoint of the REST API has an entry in API_MATRIX: each of its methods with the right
   it needs and its status when allowed, checked for every default role with an API token.
The admin's own URLs are checked by Django's admin (staff + model permissions) and by
tests/accounts for the role editor.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.catalogue import ADMINISTRATOR, CLERK, DEFAULT_ROLES, DOCUMENT_TYPES, STAFF, right
from api.services.tokens import create_token
from crm.models import Contact
from imports.models import ImportJob
from inventory.models import DocumentStatus, DocumentType, StockDocument, StockMove
from inventory.services.documents import process_document
from layouts.models import FieldType, LayoutField
from layouts.services import CustomFieldInput, add_custom_field
from notifications.models import Notification, Subscription
from reports.models import ExportJob, ExportStatus
from tests.api.helpers import token_client
from tests.crm.deal_helpers import deal_with_row
from tests.factories import CompanyFactory, ProductFactory, UserFactory, WarehouseFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.stock_helpers import make_document, stock_in

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "set_language"}
CHOSEN = "Warehouse clerk on chosen warehouses"  # the clerk's warehouse rights on the world's two only
ROLES = (ADMINISTRATOR, STAFF, CLERK, CHOSEN)


@dataclass(frozen=True)
class Entry:
    """What a GET and a POST of the URL need (a right's name, "any" for any signed-in user,
    None when the method is not offered: 405), the status when allowed, and the URL's
    arguments ("document:<state>" makes a fresh document of each type in that state).
    `everywhere`: the right is needed for all warehouses; held on chosen warehouses only, it
    is a 403 on GET as on POST. `refused`: the status of a GET without the right (the home
    page sends such a user to their start page instead)."""

    get: str | None
    post: str | None = None
    get_ok: int = 200
    post_ok: int = 302
    args: str = ""
    per_type: bool = False
    query: str = ""
    post_data: dict = field(default_factory=dict)
    everywhere: bool = False
    refused: int = 403


LAYOUTS = "inventory.change_form_layouts"
ADD_PRODUCT = "inventory.add_product"  # importing products: creating them (or editing them)
EDIT_ADJUSTMENTS = "inventory.edit_adjustment"  # importing opening balances
REPORTS = "inventory.view_reports"
HISTORY = "accounts.view_change_history"


def typed(action: str) -> str:
    return f"inventory.{action}_{{type}}"


MATRIX = {
    "home": Entry(get="inventory.view_warehouse", refused=302),  # the dashboard, else the start page
    "logout": Entry(get=None, post="any"),
    "my_account": Entry(get="any", post="any"),
    "api_token_create": Entry(get=None, post="any", post_ok=200, post_data={"name": "Toko"}),
    "api_token_revoke": Entry(get=None, post="any", args="api_token"),
    "javascript-catalog": Entry(get="any"),
    "password_change": Entry(get="any", post="any", post_ok=200),
    "password_change_done": Entry(get="any"),
    "inventory:warehouse_list": Entry(get="inventory.view_warehouse"),
    "inventory:warehouse_create": Entry(
        get="inventory.manage_warehouses", post="inventory.manage_warehouses", post_ok=200, everywhere=True
    ),
    "inventory:warehouse_update": Entry(
        get="inventory.manage_warehouses", post="inventory.manage_warehouses", post_ok=200, args="warehouse"
    ),
    "inventory:warehouse_deactivate": Entry(get=None, post="inventory.manage_warehouses", args="spare_warehouse"),
    "inventory:warehouse_delete": Entry(get=None, post="inventory.manage_warehouses", args="spare_warehouse"),
    "inventory:product_list": Entry(get="inventory.view_product"),
    "inventory:product_create": Entry(get="inventory.add_product", post="inventory.add_product", post_ok=200),
    "inventory:product_detail": Entry(get="inventory.view_product", args="product"),
    "inventory:product_live": Entry(get="inventory.view_product", args="product"),
    "inventory:product_update": Entry(
        get="inventory.change_product", post="inventory.change_product", post_ok=200, args="product"
    ),
    "inventory:product_lookup": Entry(get="inventory.view_product", query="?q=Pro"),
    "inventory:stock": Entry(get="inventory.view_warehouse"),
    "inventory:stock_live": Entry(get="inventory.view_warehouse"),
    "reports:stock": Entry(get=REPORTS),
    "reports:movements": Entry(get=REPORTS),
    "reports:ledger": Entry(get=REPORTS),
    "reports:low_stock": Entry(get=REPORTS),
    "reports:dashboard_sales": Entry(get=REPORTS),
    "reports:gross_profit": Entry(get=REPORTS),
    "reports:trace": Entry(get=REPORTS),
    "reports:export_job": Entry(get=REPORTS, args="export_job"),
    "reports:export_download": Entry(get=REPORTS, args="export_job"),
    "inventory:document_list": Entry(get=typed("view"), per_type=True),
    "inventory:document_create": Entry(get=typed("edit"), post=typed("edit"), post_ok=200, per_type=True),
    "inventory:document_line": Entry(get=typed("edit"), per_type=True),
    "inventory:document_detail": Entry(get=typed("view"), args="document:draft", per_type=True),
    "inventory:document_live": Entry(get=typed("view"), args="document:draft", per_type=True),
    "inventory:document_print": Entry(get=typed("view"), args="document:draft", per_type=True),
    "inventory:document_update": Entry(
        get=typed("edit"), post=typed("edit"), post_ok=200, args="document:draft", per_type=True
    ),
    "inventory:document_process": Entry(get=None, post=typed("process"), args="document:draft", per_type=True),
    "inventory:document_cancel": Entry(get=None, post=typed("cancel"), args="document:processed", per_type=True),
    "inventory:document_delete": Entry(get=None, post=typed("delete"), args="document:draft", per_type=True),
    # any type's page answers (a receipt's with a message: it has no delivery status)
    "inventory:document_delivery": Entry(
        get=None,
        post="inventory.update_delivery_status",
        args="document:processed",
        per_type=True,
        post_data={"status": "picked"},
    ),
    "crm:company_list": Entry(get="crm.use_crm"),
    "crm:company_create": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200),
    "crm:company_update": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200, args="company"),
    "crm:company_detail": Entry(get="crm.use_crm", args="company"),
    "crm:contact_list": Entry(get="crm.use_crm"),
    "crm:contact_create": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200),
    "crm:contact_update": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200, args="contact"),
    "inventory:reservation_settings": Entry(
        get="inventory.change_reservation_settings", post="inventory.change_reservation_settings", post_ok=200
    ),
    "inventory:costing_settings": Entry(
        get="inventory.manage_inventory_settings", post="inventory.manage_inventory_settings", post_ok=200
    ),
    "inventory:costing_progress": Entry(get="inventory.manage_inventory_settings"),
    "crm:deal_list": Entry(get="crm.use_crm"),
    "crm:deal_board": Entry(get="crm.use_crm"),
    "crm:deal_create": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200),
    "crm:deal_detail": Entry(get="crm.use_crm", args="deal"),
    "crm:deal_live": Entry(get="crm.use_crm", args="deal"),
    "crm:deal_update": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200, args="deal"),
    "crm:deal_move": Entry(get=None, post="crm.use_crm", args="deal"),
    "crm:deal_win": Entry(get=None, post="crm.use_crm", args="deal"),
    "crm:deal_lose": Entry(get=None, post="crm.use_crm", args="deal"),
    "crm:deal_row_add": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200, args="deal"),
    "crm:deal_row_update": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200, args="deal_row"),
    "crm:deal_row_delete": Entry(get=None, post="crm.use_crm", args="deal_row"),
    "crm:deal_row_reserve": Entry(get=None, post="crm.use_crm", args="deal_row"),
    "crm:deal_row_release": Entry(get=None, post="crm.use_crm", args="deal_row"),
    "crm:reservation_until": Entry(get=None, post="crm.use_crm", args="deal_row"),
    "layouts:form_list": Entry(get=LAYOUTS),
    "layouts:editor": Entry(get=LAYOUTS, post=LAYOUTS, post_ok=200, args="form:product"),
    "layouts:field_create": Entry(get=LAYOUTS, post=LAYOUTS, post_ok=200, args="form:product"),
    "layouts:field_update": Entry(get=LAYOUTS, post=LAYOUTS, post_ok=200, args="custom_field:product"),
    "layouts:field_remove": Entry(get=None, post=LAYOUTS, args="custom_field:product", post_data={"confirm": "yes"}),
    # the change history (History tabs): "View change history", besides what the object's page needs
    "history:product": Entry(get=HISTORY, args="product"),
    "history:warehouse": Entry(get=HISTORY, args="warehouse"),
    "history:settings": Entry(get=HISTORY),
    "history:layout": Entry(get=HISTORY, args="form:product"),
    "history:layout_field": Entry(get=HISTORY, args="custom_field:product"),
    "notifications:list": Entry(get="any", query="?unread=on"),
    "notifications:read": Entry(get=None, post="any", args="notification"),
    "notifications:read_all": Entry(get=None, post="any"),
    "notifications:product_subscription": Entry(
        get=None, post="inventory.view_product", args="product", post_data={"on": "1"}
    ),
    "notifications:category_subscription": Entry(
        get=None, post="inventory.view_product", args="category", post_data={"on": "1"}
    ),
    "notifications:subscription_end": Entry(get=None, post="any", args="subscription"),
    "notifications:digest": Entry(get=None, post="any", post_data={"daily_digest": "on"}),
    "imports:products": Entry(get=ADD_PRODUCT, post=ADD_PRODUCT, post_ok=200),
    "imports:products_template": Entry(get=ADD_PRODUCT, query="?format=xlsx"),
    "imports:products_export": Entry(get=ADD_PRODUCT, query="?format=csv"),
    "imports:balances": Entry(get=EDIT_ADJUSTMENTS, post=EDIT_ADJUSTMENTS, post_ok=200),
    "imports:balances_template": Entry(get=EDIT_ADJUSTMENTS, query="?format=csv"),
    "imports:companies": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200),
    "imports:companies_template": Entry(get="crm.use_crm", query="?format=csv"),
    "imports:contacts": Entry(get="crm.use_crm", post="crm.use_crm", post_ok=200),
    "imports:contacts_template": Entry(get="crm.use_crm", query="?format=xlsx"),
    "imports:job": Entry(get=ADD_PRODUCT, post=ADD_PRODUCT, post_ok=200, args="import_job"),
    "imports:job_run": Entry(get=None, post=ADD_PRODUCT, args="import_job"),
    "imports:job_errors": Entry(get=ADD_PRODUCT, args="import_job"),
    # the REST API's pages for people (signed in with the session)
    "api:docs": Entry(get="any"),
    "api:schema": Entry(get="any"),
    "api:no-such-endpoint": Entry(get="any", get_ok=404),
}


def walk(patterns=None, namespace=""):
    """(`namespace:`, `namespace:name` or None, pattern) of every URL pattern, depth first."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, (f"{namespace}{pattern.name}" if pattern.name else None), pattern


def sample_url(name: str, pattern: URLPattern) -> str:
    """A URL of the pattern, its arguments filled with plausible values."""
    samples = {
        "pk": 1,
        "row_pk": 1,
        "deal_pk": 1,
        "doc_type": "receipt",
        "object_id": "1",
        "app_label": "inventory",
        "content_type_id": 1,
    }
    keys = set(pattern.pattern.regex.groupindex)
    return reverse(name, kwargs={key: samples.get(key, "x") for key in keys})


def test_every_url_outside_the_admin_is_in_the_matrix():
    ours = [(name, pattern) for namespace, name, pattern in walk() if namespace != "admin:"]
    names = {name for name, _ in ours}
    unnamed = [pattern for name, pattern in ours if name is None]
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    assert names - set(MATRIX) - set(API_MATRIX) - PUBLIC == set(), "add these URLs to MATRIX or API_MATRIX"
    assert set(MATRIX) - names == set(), "MATRIX names URLs that do not exist"
    assert set(API_MATRIX) - names == set(), "API_MATRIX names URLs that do not exist"
    assert not set(MATRIX) & set(API_MATRIX)


def test_anonymous_get_of_every_url_goes_to_sign_in(client):
    checked = 0
    for _namespace, name, pattern in walk():
        if name is None or name in PUBLIC or name == "admin:login":
            continue
        url = sample_url(name, pattern)
        response = client.get(url)
        if name.startswith("api:") and name != "api:docs":
            assert response.status_code == 401, (name, url, response.status_code)
            assert response.json()["code"] == "not_authenticated", (name, response.content)
            assert response.headers["WWW-Authenticate"] == "Bearer"
            checked += 1
            continue
        assert response.status_code == 302, (name, url, response.status_code)
        assert re.search(r"/(accounts|admin)/login/", response.headers["Location"]), (name, response.headers)
        checked += 1
    assert checked > 40


def test_public_urls_answer_without_sign_in(client):
    assert client.get(reverse("login")).status_code == 200


# --- the matrix, role by role --------------------------------------------------------------


@pytest.fixture
def world(db):
    """Two warehouses with stock, a product, a company, and an administrator to prepare data."""
    preparer = UserFactory(username="preparer", roles=[ADMINISTRATOR])
    warehouse, other = WarehouseFactory(), WarehouseFactory()
    product = ProductFactory()
    stock_in(by=preparer, warehouse=warehouse, product=product, quantity=100)
    stock_in(by=preparer, warehouse=other, product=product, quantity=100)
    return {
        "preparer": preparer,
        "warehouse": warehouse,
        "other": other,
        "product": product,
        "company": CompanyFactory(),
    }


def make_in_state(world, doc_type: str, state: str) -> StockDocument:
    destination = world["other"] if doc_type == DocumentType.TRANSFER else None
    document = make_document(
        doc_type,
        by=world["preparer"],
        warehouse=world["warehouse"],
        destination=destination,
        lines=[(world["product"], 2, 1)],
    )
    if state == "processed":
        document = process_document(document, by=world["preparer"])
    return document


def url_args(entry: Entry, world, doc_type: str | None, user) -> tuple[list, StockDocument | None]:
    if entry.args == "":
        return ([doc_type] if entry.per_type else []), None
    if entry.args.startswith("document:"):
        document = make_in_state(world, doc_type, entry.args.split(":")[1])
        return [doc_type, document.pk], document
    if entry.args in ("deal", "deal_row"):  # a fresh deal (with one row) per request
        deal, row = deal_with_row(
            by=world["preparer"],
            product=world["product"],
            quantity=1,
            warehouse=world["warehouse"],
            company=world["company"],
        )
        return ([deal.pk] if entry.args == "deal" else [deal.pk, row.pk]), None
    if entry.args.startswith("form:"):
        return [entry.args.split(":")[1]], None
    if entry.args.startswith("custom_field:"):  # a fresh custom field per request
        key = entry.args.split(":")[1]
        field_key = f"extra_{LayoutField.objects.count()}"
        data = CustomFieldInput(key=field_key, label_en="Extra", field_type=FieldType.TEXT)
        add_custom_field(by=world["preparer"], key=key, data=data)
        return [key, field_key], None
    if entry.args == "export_job":  # the user's own finished export
        job = ExportJob.objects.create(
            user=user, report="low_stock", format="csv", status=ExportStatus.DONE, filename="a.csv", content=b"a"
        )
        return [job.pk], None
    if entry.args == "spare_warehouse":
        return [WarehouseFactory().pk], None
    if entry.args == "import_job":  # the user's own uploaded import
        job = ImportJob.objects.create(
            user=user,
            kind="products",
            format="csv",
            filename="a.csv",
            content=b"SKU,Name\r\nA-1,Kopi\r\n",
            headers=["SKU", "Name"],
            mapping=["sku", "name"],
            created=1,
            rows_total=1,
        )
        return [job.pk], None
    if entry.args == "api_token":  # one of the user's own
        return [create_token(user=user, by=user, name="matrix")[0].pk], None
    if entry.args == "notification":  # one of the user's own, about a warehouse they see
        notification = Notification.objects.create(
            user=user, warehouse=world["warehouse"], product=world["product"], available=1, minimum=5
        )
        return [notification.pk], None
    if entry.args == "subscription":  # one of the user's own
        return [Subscription.objects.get_or_create(user=user, product=world["product"])[0].pk], None
    if entry.args == "category":
        return [world["product"].category_id], None
    if entry.args == "contact":
        return [Contact.objects.create(first_name="Ani", company=world["company"]).pk], None
    return [world[entry.args].pk], None


def expected(entry: Entry, method: str, rights: set[str], chosen: set[str], doc_type: str | None) -> int:
    """The status for a user holding `rights`, those in `chosen` on the world's warehouses only."""
    entry_right = entry.get if method == "get" else entry.post
    ok = entry.get_ok if method == "get" else entry.post_ok
    if entry_right is None:
        return 405
    if entry_right == "any":
        return ok
    needed = entry_right.format(type=doc_type)
    area = needed.startswith("crm.") or "inventory.view_inventory" in rights or not needed.startswith("inventory.")
    if needed not in rights or not area:
        return entry.refused if method == "get" else 403
    if needed in chosen:
        if entry.everywhere:
            return 403
        if entry.args == "spare_warehouse":  # outside the chosen warehouses: not theirs to see
            return 404
    return ok


def member(role: str, world) -> tuple:
    """A user in `role`, the rights it holds, and those of them held on chosen warehouses only."""
    if role == CHOSEN:
        user = UserFactory(username="member-chosen")
        user.groups.add(limited_role(CHOSEN, [world["warehouse"], world["other"]]))
        rights = set(DEFAULT_ROLES[CLERK])
        return user, rights, {name for name in rights if right(name).per_warehouse}
    user = UserFactory(username=f"member-{role[:5]}", roles=[role])
    rights = {
        f"{app}.{code}"
        for app, code in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }
    return user, rights, set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_gets_the_expected_status(client, world, role, name):
    entry = MATRIX[name]
    user, rights, chosen = member(role, world)
    client.force_login(user)
    failures = []
    for doc_type in DOCUMENT_TYPES if entry.per_type else [None]:
        for method in ("get", "post"):
            right_needed = entry.get if method == "get" else entry.post
            if method == "post" and right_needed is None and entry.get is not None and entry.post is None:
                # A page without a POST form: Django answers 405 only for views limited to GET.
                continue
            args, document = url_args(entry, world, doc_type, user)
            url = reverse(name, args=args) + (entry.query if method == "get" else "")
            response = getattr(client, method)(url, entry.post_data)
            want = expected(entry, method, rights, chosen, doc_type)
            if response.status_code != want:
                failures.append(f"{method.upper()} {url} as {role}: {response.status_code}, expected {want}")
            if document is not None and want in (403, 404):
                fresh = StockDocument.objects.get(pk=document.pk)
                if (fresh.status, fresh.deleted_at) != (document.status, document.deleted_at):
                    failures.append(f"{method.upper()} {url} as {role}: refused but the document changed")
            if name == "logout":
                client.force_login(user)
    assert not failures, "\n".join(failures)


def test_a_refused_process_changes_no_balance(client, world):
    """The staff role may not process receipts: the POST is refused and nothing moves."""
    user = UserFactory(username="staffer", roles=[STAFF])
    document = make_in_state(world, DocumentType.RECEIPT, "draft")
    client.force_login(user)
    response = client.post(reverse("inventory:document_process", args=["receipt", document.pk]))
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT
    assert not document.moves.exists()
    assert world["product"].balances.get(warehouse=world["warehouse"]).on_hand == Decimal(100)


# --- the REST API, endpoint by endpoint and method by method, with a token ------------------


@dataclass(frozen=True)
class Op:
    """A method of an API endpoint: the right it needs ("any": any signed-in user; a document
    right with `{type}`), its status when allowed, the URL's arguments (as `url_args` reads
    them, but "movement" and "warehouse"), the body sent (a key of `api_body`, as `format`:
    JSON or multipart), and whether the right is needed for all warehouses (held on chosen
    ones only: 403)."""

    method: str
    right: str
    ok: int = 200
    args: str = ""
    body: str = ""
    everywhere: bool = False
    # the types for which an allowed request is refused by the document's state (409)
    conflict_types: tuple[str, ...] = ()
    format: str = "json"


CRM = "crm.use_crm"
VIEW_WAREHOUSE, MANAGE_WAREHOUSES = "inventory.view_warehouse", "inventory.manage_warehouses"
VIEW_PRODUCT = "inventory.view_product"

API_MATRIX: dict[str, list[Op]] = {
    "api:warehouse-list": [
        Op("get", VIEW_WAREHOUSE),
        Op("post", MANAGE_WAREHOUSES, 201, body="warehouse", everywhere=True),
    ],
    "api:warehouse-detail": [
        Op("get", VIEW_WAREHOUSE, args="warehouse"),
        Op("patch", MANAGE_WAREHOUSES, args="warehouse", body="address"),
        Op("delete", MANAGE_WAREHOUSES, 204, args="spare_warehouse"),
    ],
    "api:category-list": [Op("get", VIEW_PRODUCT)],
    "api:product-list": [Op("get", VIEW_PRODUCT), Op("post", "inventory.add_product", 201, body="product")],
    "api:product-detail": [
        Op("get", VIEW_PRODUCT, args="product"),
        Op("patch", "inventory.change_product", args="product", body="name"),
    ],
    "api:stock-list": [Op("get", VIEW_WAREHOUSE)],
    "api:movement-list": [Op("get", VIEW_PRODUCT)],
    "api:movement-detail": [Op("get", VIEW_PRODUCT, args="movement")],
    "api:document-list": [Op("get", typed("view")), Op("post", typed("edit"), 201, body="document")],
    "api:document-detail": [
        Op("get", typed("view"), args="document:draft"),
        Op("patch", typed("edit"), args="document:draft", body="comment"),
        Op("delete", typed("delete"), 204, args="document:draft"),
    ],
    "api:document-process": [Op("post", typed("process"), args="document:draft")],
    "api:document-cancel": [Op("post", typed("cancel"), args="document:processed")],
    "api:document-delivery": [
        Op(
            "post",
            "inventory.update_delivery_status",
            args="document:processed",
            body="delivery",
            conflict_types=tuple(t for t in DocumentType.values if t not in ("sales_order", "transfer")),
        )
    ],
    "api:company-list": [Op("get", CRM), Op("post", CRM, 201, body="company")],
    "api:company-detail": [Op("get", CRM, args="company"), Op("patch", CRM, args="company", body="phone")],
    "api:contact-list": [Op("get", CRM), Op("post", CRM, 201, body="contact")],
    "api:contact-detail": [Op("get", CRM, args="contact"), Op("patch", CRM, args="contact", body="phone")],
    "api:deal-list": [Op("get", CRM), Op("post", CRM, 201, body="deal")],
    "api:deal-detail": [Op("get", CRM, args="deal"), Op("patch", CRM, args="deal", body="comment")],
    "api:deal-won": [Op("post", CRM, args="deal")],
    "api:deal-lost": [Op("post", CRM, args="deal")],
    "api:deal-row-list": [Op("get", CRM, args="deal"), Op("post", CRM, 201, args="deal", body="row")],
    "api:deal-row-detail": [
        Op("patch", CRM, args="deal_row", body="quantity"),
        Op("delete", CRM, 204, args="deal_row"),
    ],
    "api:deal-row-reserve": [Op("post", CRM, args="deal_row")],
    "api:deal-row-release": [Op("post", CRM, args="deal_row")],
    "api:import-list": [Op("post", ADD_PRODUCT, 201, body="import", format="multipart")],
    "api:import-detail": [
        Op("get", ADD_PRODUCT, args="import_job"),
        Op("patch", ADD_PRODUCT, args="import_job", body="mapping"),
    ],
    "api:import-run": [Op("post", ADD_PRODUCT, 202, args="import_job")],
    "api:import-errors": [Op("get", ADD_PRODUCT, args="import_job")],
}


def api_body(key: str, world, doc_type: str | None) -> dict:
    """A valid body for `key` (fresh codes and names per request)."""
    serial = StockMove.objects.count() + StockDocument.objects.count() + Contact.objects.count()
    product = world["product"]
    if key == "document":
        body = {"warehouse": world["warehouse"].pk, "lines": [{"product": product.pk, "quantity": "2"}]}
        if doc_type == DocumentType.RECEIPT:
            body["supplier"] = world["company"].pk
        if doc_type == DocumentType.SALES_ORDER:
            body["client"] = world["company"].pk
        if doc_type == DocumentType.TRANSFER:
            body["destination"] = world["other"].pk
        if doc_type == DocumentType.RETURN:  # of a shipped order of the same lines
            body = {"returned_from": make_in_state(world, doc_type, "draft").returned_from_id, "lines": body["lines"]}
        return body
    return {
        "warehouse": {"name": "Gudang Baru", "code": f"NEW-{serial}-{Contact.objects.count()}"},
        "address": {"address": "Jl. Baru 1"},
        "product": {"sku": f"API-{serial}-{StockMove.objects.count()}", "name": "Teh"},
        "name": {"name": "Kopi Renamed"},
        "comment": {"comment": "dicek"},
        "company": {"name": "PT Baru"},
        "contact": {"first_name": "Budi"},
        "phone": {"phone": "021 555"},
        "deal": {"title": "Deal baru", "company": world["company"].pk},
        "row": {"product": ProductFactory().pk, "quantity": "1", "warehouse": world["warehouse"].pk},
        "quantity": {"quantity": "1"},
        "delivery": {"status": "picked"},
        "mapping": {"mapping": ["sku", "name"]},
        "import": {"kind": "products", "file": SimpleUploadedFile("p.csv", b"SKU,Name\r\nAPI-1,Kopi\r\n")},
        "": {},
    }[key]


def api_args(op: Op, world, doc_type: str | None, user) -> tuple[list, StockDocument | None]:
    if op.args == "movement":
        return [StockMove.objects.filter(warehouse=world["warehouse"]).values_list("pk", flat=True)[0]], None
    if op.args == "warehouse":
        return [world["warehouse"].pk], None
    return url_args(Entry(get=None, args=op.args, per_type=doc_type is not None), world, doc_type, user)


def api_expected(op: Op, rights: set[str], chosen: set[str], doc_type: str | None) -> int:
    if op.right == "any":
        return op.ok
    needed = op.right.format(type=doc_type)
    area = needed.startswith("crm.") or "inventory.view_inventory" in rights
    if needed not in rights or not area:
        return 403
    if needed in chosen and op.everywhere:
        return 403
    if needed in chosen and op.args == "spare_warehouse":
        return 404
    if doc_type in op.conflict_types:
        return 409
    return op.ok


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API_MATRIX))
def test_role_gets_the_expected_api_status(world, role, name):
    user, rights, chosen = member(role, world)
    api = token_client(user)
    failures = []
    per_type = "document" in name
    for doc_type in DOCUMENT_TYPES if per_type else [None]:
        for op in API_MATRIX[name]:
            args, document = api_args(op, world, doc_type, user)
            url = reverse(name, args=args)
            response = getattr(api, op.method)(url, api_body(op.body, world, doc_type), format=op.format)
            want = api_expected(op, rights, chosen, doc_type)
            if response.status_code != want:
                got = f"{response.status_code}, expected {want}: {response.content[:300]}"
                failures.append(f"{op.method.upper()} {url} as {role}: {got}")
            elif want == 409:
                assert response.json()["code"] == "invalid_state", response.content
            elif want >= 400:
                assert response.json()["code"] in ("permission_denied", "not_found"), response.content
            if document is not None and want in (403, 404):
                fresh = StockDocument.objects.get(pk=document.pk)
                if (fresh.status, fresh.deleted_at) != (document.status, document.deleted_at):
                    failures.append(f"{op.method.upper()} {url} as {role}: refused but the document changed")
    assert not failures, "\n".join(failures)


def test_every_api_method_is_in_the_api_matrix():
    """Each method an endpoint answers (but OPTIONS and HEAD) has its `Op`, and no other."""
    for _namespace, name, pattern in walk():
        if name not in API_MATRIX:
            continue
        view = pattern.callback
        offered = set(view.actions) - {"head"}
        assert offered == {op.method for op in API_MATRIX[name]}, name
