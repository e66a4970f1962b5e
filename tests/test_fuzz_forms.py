"""Garbage typed into every form and every list filter, as each default role: never a 5xx.

Walks the URL matrix of tests/test_url_access.py (and the sign-in page): every page a role may
open is fetched, its forms are read from the HTML (fields, their values, the options of
selects), and for each field one request goes out with a valid-looking form in which only that
field holds garbage of its kind — for text a NUL, 10,000 characters, other scripts' digits,
nothing; for numbers 40 digits, NaN, 1e999, -1, -0, ٣, ３, 1_000; for choices another
warehouse's id, an unknown id. Forms posting to actions (process, move, reserve…) found on the
pages get the same. List pages get the GET parameters of their filter form and `page`, `sort`,
`q` garbled at once, as each is read on its own.

It stays short: one value per field per role, each role another one of the kind (fixed by the
role and the field's name, so every run is the same); a form shared by several pages (the six
document types, a formset's rows, the create and edit pages) has each field fuzzed once per
role; the test client keeps no copies of the templates' contexts.
"""

import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import count

import pytest
from django.urls import Resolver404, resolve, reverse

from accounts.catalogue import ADMINISTRATOR, CLERK, DOCUMENT_TYPES, STAFF
from tests import test_url_access
from tests.factories import UserFactory
from tests.inventory.views.test_warehouse_scope import limited_role
from tests.test_url_access import MATRIX, url_args

pytestmark = pytest.mark.django_db

world = test_url_access.world  # the fixture: two warehouses with stock, a product, a company

ROLES = ("administrator", "staff", "clerk", "clerk of one warehouse")
SKIPPED_ACTIONS = {"logout", "set_language"}  # they end the session or switch the language
PUBLIC_FORMS = {"login"}  # outside the matrix, fuzzed too (a failed sign-in keeps the session)
# A formset's own counts: Django refuses tampering with them itself, and 1000 rows (its limit)
# take seconds to render.
FORMSET_BOOKKEEPING = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
# Pages that read GET parameters without a form of their own (the document form's scripts call them).
PARAMETERS = {"inventory:document_line": ["index", "code", "product"], "inventory:product_lookup": ["q"]}
NUMBER_NAMES = re.compile(r"quantity|price|discount|vat_rate|min_\d+|days|index|page")
ERROR_MARKS = (b"invalid-feedback", b"alert-danger", b"errorlist")


def garbage(kind: str, world) -> list[str]:
    """Values of a field's kind ("text", "number", "choice", "date") that no form should let by."""
    return {
        "text": ["Kopi\x00Toraja", "x" * 10_000, "٣٤", ""],  # as many as roles: each role another
        "number": ["9" * 40, "NaN", "1e999", "-1", "٣", "３", "1_000", "-0", "Infinity", "1\x00", ""],
        "choice": [str(world["other"].pk), "999999999", "9" * 40, "-1", "1\x00", "x" * 10_000, ""],
        "date": ["2026-13-45", "٢٠٢٦-٠١-٠١", "\x00", ""],
    }[kind]


def pick(values: list[str], role: str, name: str) -> str:
    """The value `role` sends in field `name`: another one for each role."""
    return values[(ROLES.index(role) + zlib.crc32(name.encode())) % len(values)]


# --- reading forms from a page -------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values sent as the page stands
    kinds: dict[str, str] = field(default_factory=dict)  # every field, buttons and unchecked boxes too


class FormReader(HTMLParser):
    """The forms of a page with the values a browser would send without any typing."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(method=(attrs.get("method") or "get").lower(), action=attrs.get("action") or ""))
            return
        if tag == "option" and self._select is not None:
            self._select[1].append((attrs.get("value", ""), "selected" in attrs))
            return
        if not self.forms or "name" not in attrs or tag not in ("input", "select", "textarea", "button"):
            return
        form, name = self.forms[-1], attrs["name"]
        kind = (attrs.get("type") or "text").lower()
        if tag == "select":
            form.kinds.setdefault(name, "choice")
            self._select = (name, [])
        elif kind in ("date", "datetime-local"):
            form.kinds.setdefault(name, "date")
        elif attrs.get("inputmode") in ("decimal", "numeric") or kind == "number" or NUMBER_NAMES.search(name):
            form.kinds.setdefault(name, "number")
        else:
            form.kinds.setdefault(name, "text")
        if tag == "input" and kind not in ("submit", "button", "image", "reset", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                form.fields.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = name
            form.fields.setdefault(name, []).append("")

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected]
            offered = [value for value, _selected in options if value]
            self.forms[-1].fields[name] = chosen[:1] or offered[:1] or [""]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and self.forms:
            self.forms[-1].fields[self._textarea][-1] += data


def forms_of(response) -> list[Form]:
    reader = FormReader()
    reader.feed(response.content.decode())
    return reader.forms


# --- what a valid form holds ---------------------------------------------------------------

UNIQUE = count(1)


def filled(form: Form, world) -> dict[str, list[str]]:
    """The page's values, with the fields a person must type filled in plausibly (fresh codes
    each time, so that a request is refused only for the garbage it carries)."""
    n = next(UNIQUE)
    typed = {
        "sku": f"FZ-{n}",
        "code": f"FZ{n}",
        "name": f"Fuzz {n}",
        "title": f"Fuzz {n}",
        "first_name": "Ani",
        "key": f"fuzz_{n}",
        "label_en": f"Fuzz {n}",
        "product": world["product"].sku,
        "quantity": "1",
        "lines-0-product": world["product"].sku,
        "lines-0-quantity": "1",
        "username": "nobody",
        "password": "not-the-password",
    }
    data = {name: list(values) for name, values in form.fields.items()}
    for name, value in typed.items():
        if name in form.kinds and not any(data.get(name, [])):
            data[name] = [value]
    return data


# --- the walk ------------------------------------------------------------------------------


def user_for(role: str, world):
    if role == "clerk of one warehouse":
        user = UserFactory(username="fuzz-clerk-one", is_staff=False)
        user.groups.add(limited_role("Clerk, one warehouse", [world["warehouse"]]))
        return user
    name = {"administrator": ADMINISTRATOR, "staff": STAFF, "clerk": CLERK}[role]
    return UserFactory(username=f"fuzz-{role}", roles=[name])


def page_urls(world, user):
    """(matrix name, URL) of every page that answers GET, fresh objects for each. The document
    pages of one type, but the new document form of each (the fields differ by type)."""
    for name in sorted(PUBLIC_FORMS):
        yield name, reverse(name)
    for name, entry in sorted(MATRIX.items()):
        if entry.get is None:
            continue
        types = [None]
        if entry.per_type:
            types = list(DOCUMENT_TYPES)[: None if name == "inventory:document_create" else 1]
        for doc_type in types:
            args, _document = url_args(entry, world, doc_type, user)
            yield name, reverse(name, args=args)


def action_name(form: Form, page_url: str) -> str | None:
    """The matrix name of the URL a form posts to (None: outside the matrix)."""
    try:
        return resolve((form.action or page_url).split("?")[0]).view_name
    except Resolver404:
        return None


@dataclass
class Walk:
    """One role's walk: per matrix name, fuzzed requests sent and those answered 200 with
    errors shown; the server errors met."""

    role: str
    world: dict
    sent: Counter = field(default_factory=Counter)
    refused_with_errors: Counter = field(default_factory=Counter)
    forms: set = field(default_factory=set)  # names of the pages whose own POST form was fuzzed
    failures: list[str] = field(default_factory=list)
    seen: set = field(default_factory=set)  # (view, field) fuzzed already

    def first_time(self, target: str, name: str) -> bool:
        """Whether `name` of the form `target` is still to be fuzzed: not the other rows of a
        formset (`lines-1-…`) or of the layout editor (`label_en-<field>`), nor another
        document type's copy of a field, nor Django's formset counts. A form's create and edit
        pages share its fields: half of them (by name) on the create page, the rest on the
        edit page, which is walked after it."""
        family = re.sub(r"_(create|add)$", "_update", target)
        key = (family, re.sub(r"^([^-]+)-[^-]+$", r"\1-*", re.sub(r"-\d+-", "-N-", name)))
        if key in self.seen or name.endswith(FORMSET_BOOKKEEPING):
            return False
        if family != target and family in MATRIX and zlib.crc32(key[1].encode()) % 2:
            return False  # left to the edit page
        self.seen.add(key)
        return True

    def value(self, kind: str, name: str) -> str:
        return pick(garbage(kind, self.world), self.role, name)

    def record(self, name: str, method: str, url: str, response, fuzzed: dict | None = None) -> None:
        if fuzzed is not None:
            self.sent[name] += 1
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None) or (None, "", None)
            shown = {key: value[:40] for key, value in (fuzzed or {}).items()}
            self.failures.append(f"{self.role}: {method} {url} {shown}: {response.status_code} {error[1]!r}")
        elif response.status_code == 200 and any(mark in response.content for mark in ERROR_MARKS):
            self.refused_with_errors[name] += 1

    def page(self, client, name: str, url: str) -> None:
        response = client.get(url)
        self.record(name, "GET", url, response)
        if response.status_code != 200:
            return
        params = {n: self.value("number" if NUMBER_NAMES.search(n) else "text", n) for n in PARAMETERS.get(name, [])}
        for fuzzed, value in params.items():
            if self.first_time(name, fuzzed):
                self.record(name, "GET", url, client.get(url, {fuzzed: value}), {fuzzed: value})
        for form in forms_of(response):
            target = action_name(form, url)
            if target is None or target in SKIPPED_ACTIONS or target not in {*MATRIX, *PUBLIC_FORMS}:
                continue
            if form.method == "post" and (target == name or MATRIX[target].get is None):
                self.post_form(client, name, url, form, target)
            elif form.method == "get" and target == name:
                self.filter_form(client, name, url, form)

    def post_form(self, client, name: str, url: str, form: Form, target: str) -> None:
        """One POST per field of the form (to the page itself or an action), only that field garbage."""
        post_url = (form.action or url).split("?")[0]
        if target == name:
            self.forms.add(name)
        for fuzzed, kind in form.kinds.items():
            if self.first_time(target, fuzzed):
                value = self.value(kind, fuzzed)
                data = {**filled(form, self.world), fuzzed: [value]}
                self.record(target, "POST", post_url, client.post(post_url, data), {fuzzed: value})

    def filter_form(self, client, name: str, url: str, form: Form) -> None:
        """A list's filters: every parameter garbage at once (each is read on its own)."""
        kinds = {"page": "number", "sort": "text", "q": "text", **form.kinds}
        params = {n: self.value(kind, n) for n, kind in kinds.items() if self.first_time(name, n)}
        if params:
            self.record(name, "GET", url, client.get(url.split("?")[0], params), params)


@pytest.fixture(autouse=True)
def pages_without_template_capture(monkeypatch):
    """The test client keeps a copy of the context of every template rendered (crispy renders
    one per field): not needed here, and most of each request's time."""
    monkeypatch.setattr("django.test.client.store_rendered_templates", lambda *args, **kwargs: None)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.usefixtures("axes_enabled")  # failed sign-ins are counted, as in production
def test_garbage_in_every_form_is_never_a_server_error(client, world, role):
    client.raise_request_exception = False
    user = user_for(role, world)
    client.force_login(user)
    walk = Walk(role=role, world=world)
    for name, url in page_urls(world, user):
        walk.page(client, name, url)
    assert not walk.failures, "\n".join(walk.failures)
    assert walk.forms, f"{role} reached no form"
    assert all(walk.sent[name] > 0 for name in walk.forms), walk.sent  # each form got requests
    assert sum(walk.refused_with_errors[name] for name in walk.forms) > 0  # refused beside fields
