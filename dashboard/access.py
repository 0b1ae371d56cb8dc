"""Sign-in and roles: who may see and do what.

Sign-in is off unless `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's OpenID
Connect settings, e.g. for Microsoft Entra ID). Then every page asks people to sign in, and
the `[access]` section gives each signed-in person a role:

- viewer: every dashboard;
- contributor: also the project submission form;
- operator: also the Data page's actions (refresh now).

Each role is granted by e-mail domain, by explicit e-mail address, or by a value of the groups
claim, and includes the roles before it. Someone signed in whom no rule matches is refused.
Only an e-mail address the identity provider vouches for may match a domain or address rule
(`verified_email`): `email_verified` true (the OpenID Connect standard claim), or, from Microsoft
Entra ID, which does not send `email_verified`, the optional claim `xms_edov` true (the address's
domain is verified by its owner) or the address listed in `verified_primary_email` or
`verified_secondary_email`. Anything else (the claim false, absent or unreadable) is unverified:
anyone can put any address on an account at some providers, so it matches no rule, and the
person is refused with a message saying why. Groups come from the provider itself and match
as they are.
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
from etl.shared import redaction

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
        """The highest role the claims match, or None. The e-mail address takes part only when
        verified (see `verified_email`)."""
        groups = claims.get(self.groups_claim) or []
        groups = {str(g) for g in (groups if isinstance(groups, (list, tuple)) else [groups])}
        email = verified_email(claims)
        for role in reversed(ROLES):
            rule = self.roles.get(role)
            if rule and rule.matches(email, groups):
                return role
        return None


def verified_email(claims: Mapping) -> str | None:
    """The `email` claim when the provider says it is verified, else None.

    Verified means: `email_verified` is true (a JSON true, or the text "true" some providers
    send); or, from Microsoft Entra ID, `xms_edov` is true, or the address is one of
    `verified_primary_email` / `verified_secondary_email` (each a string or a list)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if _true(claims.get("email_verified")) or _true(claims.get("xms_edov")):
        return email
    listed = set()
    for name in ("verified_primary_email", "verified_secondary_email"):
        value = claims.get(name) or []
        listed |= {str(v).strip().lower() for v in (value if isinstance(value, (list, tuple)) else [value])}
    return email if email.strip().lower() in listed else None


def _true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


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
    email_verified: bool = False  # the provider vouches for `email` (see verified_email)
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
        found = {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, KeyError, StreamlitSecretNotFoundError):  # no secrets file: no sign-in
        return {}
    redaction.remember(*_secret_values(found.get("auth") or {}))
    return found


def _secret_values(section: Mapping) -> list[str]:
    """The sign-in's secrets (client secrets, the cookie secret), at any depth of [auth], so that
    nothing the dashboard shows or logs can carry them."""
    found = []
    for key, value in section.items():
        if isinstance(value, Mapping):
            found += _secret_values(value)
        elif isinstance(value, str) and redaction.secret_name(key):
            found.append(value)
    return found


def current() -> Viewer:
    """Who is using this session (no sign-in: an anonymous local user)."""
    secrets = _secrets()
    if "auth" not in secrets:  # no sign-in; an e-mail address only where the host supplies one
        return Viewer(sign_in=False, email=st.user.get("email") if st.user.get("is_logged_in") else None)
    rules = parse_rules(secrets.get("access"))
    if not st.user.get("is_logged_in"):
        return Viewer(sign_in=True, rules=rules)
    claims = st.user.to_dict()
    return Viewer(sign_in=True, email=claims.get("email"), email_verified=verified_email(claims) is not None,
                  name=claims.get("name"), role=rules.role_for(claims), rules=rules)


def gate() -> Viewer:
    """Run before any page: with sign-in on, ask signed-out people to sign in and refuse those no
    rule matches (the run stops there); show who is signed in, with sign-out, in the sidebar.
    The name and address come from the provider: shown with `st.text`, never as Markdown (which
    would load an image or make a link written in them)."""
    try:
        viewer = current()
    except AccessError as exc:
        st.error(f"Sign-in is misconfigured in `.streamlit/secrets.toml`: {exc}")
        st.stop()
    if not viewer.sign_in:
        return viewer
    login = (lambda: st.login(viewer.rules.provider)) if viewer.rules.provider else st.login
    who = viewer.name or viewer.email or "you"
    address = viewer.email or "no e-mail address given"

    def sign_in_page():
        st.title("Assembly Insights")
        st.markdown("The Data Science Assembly's projects, tech stacks and collaboration. "
                    "**Sign in with your organisation account to continue.**")
        st.button("Sign in", on_click=login, type="primary", icon=":material/login:", key="sign_in")

    def refused_page():
        st.title("Assembly Insights")
        if viewer.email and not viewer.email_verified:
            st.error("Your sign-in provider does not say that this account's e-mail address is verified, so it "
                     "cannot match the access rules (an unverified address could belong to anyone). Verify the "
                     "address with your provider, or ask the Assembly's dashboard operators to give one of your "
                     "groups access.", icon=":material/block:")
        else:
            st.error("This dashboard has no role for this account. Ask the Assembly's dashboard operators to add "
                     "your e-mail address, your organisation's domain or one of your groups to the access rules.",
                     icon=":material/block:")
        st.text(f"Signed in as {who} ({address})")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")

    if not viewer.allowed:
        # The only page there is: the dashboard's pages are not even listed.
        only = sign_in_page if not st.user.get("is_logged_in") else refused_page
        st.navigation([st.Page(only, title="Sign in", url_path="sign-in", default=True)], position="hidden").run()
        st.stop()
    with st.sidebar:
        st.text(f"Signed in as {who} · {viewer.role}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
    return viewer
