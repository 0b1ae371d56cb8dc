"""The whole sign-in flow in a real browser against a real OpenID Connect provider on
127.0.0.1 (oidc-provider-mock, started here): signed out, the app asks to sign in; after
signing in at the provider, the pages load and the person's role applies; an address the
provider does not say is verified matches no rule."""
from __future__ import annotations

import threading

import pytest
import werkzeug.serving

from tests.test_browser import free_port, page, running_app  # noqa: F401 (page is a fixture)

pytestmark = pytest.mark.browser
MARKED_NAME = "Mark ![pixel](http://127.0.0.1:9/pixel.png) **Down** [here](http://127.0.0.1:9/)"


@pytest.fixture
def provider():
    """An OIDC provider on 127.0.0.1 with four people, each one click away on its authorisation
    page: an operator (by group), a viewer (by a verified address in the domain), someone in the
    same domain whose address is not verified, and a viewer whose name is written in Markdown."""
    import oidc_provider_mock
    from oidc_provider_mock import User

    people = [User(sub="ops", claims={"email": "ops@example.nhs.uk", "name": "Olu Operator",
                                      "groups": ["dsa-operators"]}),
              User(sub="viewer", claims={"email": "vee.viewer@nhs.net", "email_verified": True, "name": "Vee Viewer"}),
              User(sub="unverified", claims={"email": "someone@nhs.net", "email_verified": False, "name": "Some One"}),
              User(sub="marked", claims={"email": "mark.down@nhs.net", "email_verified": True,
                                         "name": MARKED_NAME})]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=people), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def signin_app(demo_db, provider, tmp_path):
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'''
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-cookie-secret-made-for-this-test-only"
client_id = "assembly-insights-test"
client_secret = "a-client-secret-made-for-this-test-only"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[access.viewer]
domains = ["nhs.net"]

[access.operator]
groups = ["dsa-operators"]
''')
    with running_app(demo_db, port=port, args=("--secrets.files", str(secrets))) as (url, _):
        yield url


def sign_in(page, url: str, who: str, *, let_in: bool = True) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator(f'button[name="sub"][value="{who}"]').click()
    page.wait_for_url(f"{url}/**")
    if let_in:
        page.wait_for_selector('[data-testid="stSidebar"] >> text=Signed in as', timeout=60_000)


def test_signed_out_the_app_asks_to_sign_in_then_the_operator_gets_the_refresh(page, signin_app):
    page.goto(signin_app)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.get_by_label("Headline figures").count() == 0

    sign_in(page, signin_app, "ops")
    assert "Olu Operator" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert "operator" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.get_by_label("Headline figures").wait_for(timeout=60_000)  # the Overview
    page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
    page.get_by_role("button", name="Refresh now").wait_for(timeout=60_000)

    # Sign out ends the session at the provider too (RP-initiated logout), which asks to confirm
    # and then sends the browser back to the dashboard, signed out.
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signin_app}/**")
    page.goto(signin_app)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    assert page.get_by_label("Headline figures").count() == 0


def test_a_viewer_signs_in_and_sees_no_refresh(page, signin_app):
    sign_in(page, signin_app, "viewer")
    assert "viewer" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.get_by_label("Headline figures").wait_for(timeout=60_000)  # the Overview
    page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
    page.get_by_text("Refreshes run on the schedule").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Refresh now").count() == 0


def test_an_unverified_address_in_the_domain_is_refused_where_a_verified_one_is_let_in(page, signin_app):
    sign_in(page, signin_app, "unverified", let_in=False)
    page.get_by_text("does not say that this account's e-mail address is verified").wait_for(timeout=60_000)
    assert page.get_by_label("Headline figures").count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{signin_app}/**")

    sign_in(page, signin_app, "viewer")
    page.get_by_label("Headline figures").wait_for(timeout=60_000)
    assert "verified" not in page.locator('[data-testid="stMain"]').inner_text()


def test_the_name_from_the_provider_is_shown_as_text_not_markdown(page, signin_app):
    sign_in(page, signin_app, "marked")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert MARKED_NAME in sidebar.inner_text()  # every character as written: no image, bold or link made
    assert sidebar.locator("img").count() == 0 and sidebar.locator("a[href^=\"http://127.0.0.1:9\"]").count() == 0
