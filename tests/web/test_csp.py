"""The Content-Security-Policy: every page says it, and nothing the templates write needs an
exception from it (no inline script, event handler, `javascript:` URL or inline style)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "htmx hx-on attribute": re.compile(r"\b(?:data-)?hx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "inline style": re.compile(r"<style\b|\sstyle\s*=", re.I),
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("name", ["login", "inventory:product_list"])
def test_pages_carry_the_policy(client_logged_in, name):
    directives = policy(client_logged_in.get(reverse(name)))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


def test_the_admin_carries_the_policy_too(client_logged_in):
    assert policy(client_logged_in.get(reverse("admin:index")))["script-src"] == ["'self'"]


def test_templates_need_no_inline_code_or_style():
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 30
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}: {match.group(0)!r}"
        for path in files
        for what, pattern in INLINE.items()
        for match in pattern.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)
