"""Sign-in and roles: who may see and do what.

Sign-in is off unless `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's OpenID
Connect settings, e.g. for Microsoft Entra ID). Then every page asks people to sign in, and
the `[access]` section gives each signed-in person a role:

- viewer: every dashboard;
- contributor: also the project submission form;
- operator: also the Data page's actions (refresh now).

Each role is granted by e-mail domain, by explicit e-mail address, or by a value of the groups
claim, and includes the roles before it. Someone signed in whom no rule matches is refused.
GitHub logins are shown only where the privacy setting (DSA_SHOW_LOGINS) allows them and the
person's role is listed in `[access] show_logins_to` (default: operators only).

Without sign-in (local use) there are no roles: the dashboards and the form are open, refresh
follows DSA_REFRESH_USERS and logins follow DSA_SHOW_LOGINS, as before.

E-mail addresses are read from the identity provider's claims for this check only; they are
never stored in the warehouse, the logs or any export.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from etl import config

ROLES = ("viewer", "contributor", "operator")  # each includes the ones before it


class AccessError(ValueError):
    """The [access] section of the secrets is malformed."""


@dataclass(frozen=True)
class Rule:
    domains: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()

    def matches(self, email: str | None, groups: set[str]) -> bool:
        email = (email or "").strip().lower()
        domain = email.rsplit("@", 1)[1] if "@" in email else None
        return bool((domain and domain in self.domains) or (email and email in self.emails) or (groups & self.groups))


@dataclass(frozen=True)
class Rules:
    roles: dict[str, Rule] = field(default_factory=dict)
    groups_claim: str = "groups"
    show_logins_to: frozenset[str] = frozenset({"operator"})
    provider: str | None = None

    def role_for(self, claims: Mapping) -> str | None:
        """The highest role the claims match, or None."""
        groups = claims.get(self.groups_claim) or []
        groups = {str(g) for g in (groups if isinstance(groups, (list, tuple)) else [groups])}
        for role in reversed(ROLES):
            rule = self.roles.get(role)
            if rule and rule.matches(claims.get("email"), groups):
                return role
        return None


def parse_rules(section: Mapping | None) -> Rules:
    """Rules from the `[access]` section: `[access.viewer]`, `[access.contributor]` and
    `[access.operator]`, each with `domains`, `emails` and `groups` lists; `groups_claim`,
    `show_logins_to` and `provider` at the top."""
    section = dict(section or {})
    unknown = set(section) - {*ROLES, "groups_claim", "show_logins_to", "provider"}
    if unknown:
        raise AccessError(f"[access]: unknown setting(s) {', '.join(sorted(unknown))}; "
                          f"expected {', '.join(ROLES)}, groups_claim, show_logins_to, provider")
    roles = {}
    for role in ROLES:
        raw = dict(section.get(role) or {})
        bad = set(raw) - {"domains", "emails", "groups"}
        if bad:
            raise AccessError(f"[access.{role}]: unknown setting(s) {', '.join(sorted(bad))}; expected domains, emails, groups")
        lists = {}
        for key in ("domains", "emails", "groups"):
            value = raw.get(key, [])
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise AccessError(f"[access.{role}] {key}: expected a list of strings, got {value!r}")
            lists[key] = frozenset(v.strip().lower().lstrip("@") if key != "groups" else v for v in value)
        roles[role] = Rule(**lists)
    shown_to = section.get("show_logins_to", ["operator"])
    if isinstance(shown_to, str) or any(r not in ROLES for r in shown_to):
        raise AccessError(f"[access] show_logins_to: expected a list of roles ({', '.join(ROLES)}), got {shown_to!r}")
    return Rules(roles=roles, groups_claim=str(section.get("groups_claim", "groups")),
                 show_logins_to=frozenset(shown_to), provider=section.get("provider"))


@dataclass(frozen=True)
class Viewer:
    """The person using this session, and what they may do."""

    sign_in: bool                 # sign-in is configured
    email: str | None = None
    name: str | None = None
    role: str | None = None       # with sign-in: their role (None: refused)
    rules: Rules = field(default_factory=Rules)

    @property
    def allowed(self) -> bool:
        """May use the dashboard at all: no sign-in, or signed in with a role."""
        return not self.sign_in or self.role is not None

    def has(self, role: str) -> bool:
        return not self.sign_in or (self.role is not None and ROLES.index(self.role) >= ROLES.index(role))

    @property
    def may_submit(self) -> bool:
        return self.has("contributor")

    @property
    def may_refresh(self) -> bool:
        return self.has("operator") if self.sign_in else config.may_refresh(self.email)

    @property
    def sees_logins(self) -> bool:
        return config.show_logins() and (not self.sign_in or self.role in self.rules.show_logins_to)


def _secrets() -> dict:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):  # no secrets file: no sign-in
        return {}


def current() -> Viewer:
    """Who is using this session (no sign-in: an anonymous local user)."""
    secrets = _secrets()
    if "auth" not in secrets:  # no sign-in; an e-mail address only where the host supplies one
        return Viewer(sign_in=False, email=st.user.get("email") if st.user.get("is_logged_in") else None)
    rules = parse_rules(secrets.get("access"))
    if not st.user.get("is_logged_in"):
        return Viewer(sign_in=True, rules=rules)
    claims = st.user.to_dict()
    return Viewer(sign_in=True, email=claims.get("email"), name=claims.get("name"), role=rules.role_for(claims),
                  rules=rules)


def gate() -> Viewer:
    """Run before any page: with sign-in on, ask signed-out people to sign in and refuse those no
    rule matches (the run stops there); show who is signed in, with sign-out, in the sidebar."""
    try:
        viewer = current()
    except AccessError as exc:
        st.error(f"Sign-in is misconfigured in `.streamlit/secrets.toml`: {exc}")
        st.stop()
    if not viewer.sign_in:
        return viewer
    login = (lambda: st.login(viewer.rules.provider)) if viewer.rules.provider else st.login
    who = viewer.name or viewer.email or "you"

    def sign_in_page():
        st.title("Assembly Insights")
        st.markdown("The Data Science Assembly's projects, tech stacks and collaboration. "
                    "**Sign in with your organisation account to continue.**")
        st.button("Sign in", on_click=login, type="primary", icon=":material/login:", key="sign_in")

    def refused_page():
        st.title("Assembly Insights")
        st.error(f"You are signed in as **{who}** ({viewer.email or 'no e-mail address given'}), but this "
                 "dashboard has no role for that account. Ask the Assembly's dashboard operators to add your "
                 "e-mail address, your organisation's domain or one of your groups to the access rules.",
                 icon=":material/block:")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")

    if not viewer.allowed:
        # The only page there is: the dashboard's pages are not even listed.
        only = sign_in_page if not st.user.get("is_logged_in") else refused_page
        st.navigation([st.Page(only, title="Sign in", url_path="sign-in", default=True)], position="hidden").run()
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as **{who}** · {viewer.role}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
    return viewer
