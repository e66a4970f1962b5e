"""Logging in and out through the browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

LOGIN_PATH = re.compile(r"/accounts/login/")


def test_wrong_password_shows_the_error_and_stays_on_the_form(page, login, e2e_user):
    login(page, e2e_user.username, "not-the-password")

    expect(page).to_have_url(LOGIN_PATH)
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.locator("input[name='password']")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_login_shows_the_user_and_logout_returns_to_the_login_page(page, login, live_url, e2e_user):
    login(page, e2e_user.username, e2e_user.raw_password)

    expect(page).not_to_have_url(LOGIN_PATH)
    expect(page.locator("nav.navbar")).to_contain_text(e2e_user.username)
    assert page.title().endswith("Gudang")

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(LOGIN_PATH)
    expect(page.locator("input[name='username']")).to_be_visible()
    # Logged out for real: the app sends us back to the form.
    page.goto(live_url + "/")
    expect(page).to_have_url(LOGIN_PATH)


def test_anonymous_visitor_is_sent_to_the_login_form(page, live_url, e2e_user):
    page.goto(live_url + "/")
    expect(page).to_have_url(LOGIN_PATH)
    expect(page.locator("input[name='username']")).to_be_visible()
