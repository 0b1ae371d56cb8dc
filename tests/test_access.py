"""Sign-in and roles: the rules that give a role, and what each role sees and may do in the app
(AppTest with `at.user`), including the refusal of someone no rule matches and of an e-mail
address the provider does not say is verified."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from etl import config
from tests.test_pages import ENTRY, fresh_caches, page  # noqa: F401 (fixture)

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "not-a-real-secret",
        "client_id": "assembly-insights", "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS = {"viewer": {"domains": ["nhs.net"]},
          "contributor": {"emails": ["Lead.Analyst@example.nhs.uk"]},
          "operator": {"groups": ["dsa-operators"]}}
VIEWER = {"is_logged_in": True, "email": "a.viewer@nhs.net", "email_verified": True, "name": "A Viewer"}
CONTRIBUTOR = {"is_logged_in": True, "email": "lead.analyst@example.nhs.uk", "email_verified": True,
               "name": "Lead Analyst"}
OPERATOR = {"is_logged_in": True, "email": "ops@example.nhs.uk", "name": "Ops", "groups": ["staff", "dsa-operators"]}
STRANGER = {"is_logged_in": True, "email": "someone@example.com", "email_verified": True, "name": "Someone Else"}
UNVERIFIED = {"is_logged_in": True, "email": "someone@nhs.net", "email_verified": False, "name": "Some One"}


# --- the rules --------------------------------------------------------------------------------

def test_each_kind_of_rule_gives_its_role_and_the_highest_role_wins():
    rules = access.parse_rules(ACCESS)
    assert rules.role_for({"email": "A.Viewer@NHS.net", "email_verified": True}) == "viewer"
    assert rules.role_for({"email": "lead.analyst@example.nhs.uk", "email_verified": True}) == "contributor"
    assert rules.role_for({"email": "x@elsewhere.org", "groups": ["dsa-operators"]}) == "operator"
    assert rules.role_for({"email": "lead.analyst@example.nhs.uk", "email_verified": True,
                           "groups": ["dsa-operators"]}) == "operator"
    assert rules.role_for({"email": "someone@example.com", "email_verified": True, "groups": ["staff"]}) is None
    assert rules.role_for({}) is None
    assert rules.role_for({"email": "nhs.net", "email_verified": True}) is None  # a bare domain is not an address


@pytest.mark.parametrize("claims, verified", [
    ({"email_verified": True}, True),
    ({"email_verified": "true"}, True),            # some providers send the text
    ({"email_verified": False}, False),
    ({"email_verified": "false"}, False),
    ({"email_verified": 1}, False),                # only a true boolean or "true" counts
    ({}, False),                                   # absent: unverified
    ({"xms_edov": True}, True),                    # Microsoft Entra: the domain owner verified it
    ({"xms_edov": False}, False),
    ({"verified_primary_email": ["Someone@NHS.net"]}, True),
    ({"verified_secondary_email": "someone@nhs.net"}, True),
    ({"verified_primary_email": ["other@nhs.net"]}, False),
])
def test_only_a_verified_address_matches_domain_and_address_rules(claims, verified):
    rules = access.parse_rules({"viewer": {"domains": ["nhs.net"]}, "contributor": {"emails": ["someone@nhs.net"]}})
    role = rules.role_for({"email": "someone@nhs.net", **claims})
    assert role == ("contributor" if verified else None)
    assert (access.verified_email({"email": "someone@nhs.net", **claims}) is not None) is verified


def test_groups_match_whether_or_not_the_address_is_verified():
    rules = access.parse_rules(ACCESS)
    assert rules.role_for({"email": "x@nhs.net", "email_verified": False, "groups": ["dsa-operators"]}) == "operator"


def test_a_custom_groups_claim_and_a_single_group_value():
    rules = access.parse_rules({"groups_claim": "roles", "operator": {"groups": ["Ops"]}})
    assert rules.role_for({"roles": "Ops"}) == "operator"
    assert rules.role_for({"groups": ["Ops"]}) is None


@pytest.mark.parametrize("section, message", [
    ({"viewers": {"domains": ["nhs.net"]}}, "unknown setting(s) viewers"),
    ({"viewer": {"domain": ["nhs.net"]}}, "[access.viewer]: unknown setting(s) domain"),
    ({"viewer": {"domains": "nhs.net"}}, "[access.viewer] domains: expected a list of strings"),
    ({"show_logins_to": ["director"]}, "show_logins_to: expected a list of roles"),
])
def test_malformed_rules_are_refused_with_the_setting_named(section, message):
    with pytest.raises(access.AccessError) as err:
        access.parse_rules(section)
    assert message in str(err.value)


# --- the app, per role ---------------------------------------------------------------------------

def signed_in_app(db, monkeypatch, user: dict | None, script: str | None = None, access_rules=None, auth=None,
                  **env) -> AppTest:
    monkeypatch.setenv("DSA_DB", str(db))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    at.secrets["auth"] = auth or AUTH
    at.secrets["access"] = access_rules or ACCESS
    at.user = user if user is not None else {"is_logged_in": False}
    at.run()
    if script:
        at.switch_page(page(script)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def overview_shown(at) -> bool:
    """The Overview's content ran: its headline figures (dashboard.blocks.figures) are on the page."""
    return any('aria-label="Headline figures"' in h.value for h in at.html)


def texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                     + [i.value for i in at.info] + [t.value for t in at.text])


def markdown(at) -> str:
    """Everything on the page that Streamlit renders as Markdown."""
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
                      + [i.value for i in at.info] + [t.value for t in at.title])


def test_signed_out_people_are_asked_to_sign_in_and_see_nothing_else(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert "Sign in with your organisation account" in texts(at)
    assert not overview_shown(at) and not at.get("plotly_chart") and not at.dataframe


def test_someone_no_rule_matches_is_refused_with_a_way_out(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, STRANGER)
    assert "no role for this account" in texts(at) and "Signed in as Someone Else (someone@example.com)" in texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not overview_shown(at) and not at.get("plotly_chart")


def test_an_unverified_address_in_a_granted_domain_is_refused_saying_why(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, UNVERIFIED)
    assert "does not say that this account's e-mail address is verified" in texts(at)
    assert "no role for this account" not in texts(at)
    assert [b.label for b in at.button] == ["Sign out"]
    assert not overview_shown(at) and not at.get("plotly_chart")
    verified = signed_in_app(demo_db, monkeypatch, {**UNVERIFIED, "email_verified": True})
    assert overview_shown(verified) and "verified" not in texts(verified)


def test_the_name_from_the_sign_in_is_shown_as_text_not_markdown(demo_db, monkeypatch):
    name = "Mal ![x](http://127.0.0.1:9/t.png) **Bold** <b>b</b>"
    at = signed_in_app(demo_db, monkeypatch, {**VIEWER, "name": name})
    assert f"Signed in as {name} · viewer" in [t.value for t in at.sidebar.text]
    assert "Mal" not in markdown(at)
    refused = signed_in_app(demo_db, monkeypatch, {**STRANGER, "name": name})
    assert f"Signed in as {name} (someone@example.com)" in [t.value for t in refused.text]
    assert "Mal" not in markdown(refused)


def test_a_viewer_sees_the_dashboards_but_not_the_form_the_refresh_or_logins(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, VIEWER, DSA_REFRESH_USERS="*", DSA_SHOW_LOGINS="true")
    assert overview_shown(at) and any("Activity by team" in h.value for h in at.html)
    assert "Signed in as A Viewer · viewer" in [t.value for t in at.sidebar.text]
    assert "Sign out" in [b.label for b in at.sidebar.button]
    at.switch_page(page("projects.py")).run()
    assert "needs the contributor role" in texts(at) and not at.get("form")
    at.switch_page(page("data.py")).run()
    assert "Refresh now" not in [b.label for b in at.button]
    at.switch_page(page("collaboration.py")).run()
    bus = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert "key_person" not in bus.value.columns


def test_a_contributor_may_submit_a_project(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, CONTRIBUTOR, "projects.py", DSA_REFRESH_USERS="*")
    assert at.get("form") and "needs the contributor role" not in texts(at)
    at.switch_page(page("data.py")).run()
    assert "Refresh now" not in [b.label for b in at.button]


def test_an_operator_may_refresh_and_sees_logins_when_the_privacy_setting_allows(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, OPERATOR, "data.py")
    assert "Refresh now" in [b.label for b in at.button]  # DSA_REFRESH_USERS is not needed with sign-in
    at.switch_page(page("projects.py")).run()
    assert at.get("form")
    at.switch_page(page("collaboration.py")).run()
    bus = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert "key_person" not in bus.value.columns  # DSA_SHOW_LOGINS is off
    monkeypatch.setenv("DSA_SHOW_LOGINS", "true")
    at.run()
    bus = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert "key_person" in bus.value.columns


def test_logins_can_be_opened_to_viewers_too(demo_db, monkeypatch):
    rules = {**ACCESS, "show_logins_to": ["viewer", "operator"]}
    at = signed_in_app(demo_db, monkeypatch, VIEWER, "collaboration.py", access_rules=rules, DSA_SHOW_LOGINS="true")
    bus = next(d for d in at.dataframe if "top_person_share_pct" in d.value.columns)
    assert "key_person" in bus.value.columns


def test_a_misconfigured_access_section_stops_the_app_with_the_reason(demo_db, monkeypatch):
    at = signed_in_app(demo_db, monkeypatch, VIEWER, access_rules={"viewer": {"domains": "nhs.net"}})
    assert "Sign-in is misconfigured" in texts(at) and "expected a list of strings" in texts(at)
    assert not overview_shown(at) and not at.get("plotly_chart")


def test_without_sign_in_everything_is_open_as_before(demo_db, monkeypatch):
    monkeypatch.setenv("DSA_DB", str(demo_db))
    at = AppTest.from_file(str(ENTRY), default_timeout=60).run()
    assert overview_shown(at) and "Sign in" not in [b.label for b in at.button]
    at.switch_page(page("projects.py")).run()
    assert at.get("form")
    assert config.show_logins() is False
