"""The people met while reading commits, shared by the GitHub and git sources.

A person is a pseudonymous key: a GitHub login or a normalised e-mail address, hashed with
the run's salt (identity.py). E-mail addresses are hashed, never kept. When GitHub links a
commit's address to an account, the two keys are recorded as one person (person_links).
Co-authors are read from `Co-authored-by:` trailers with COAUTHOR.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from etl.shared import identity

COAUTHOR = re.compile(r"^\s*co-authored-by:\s*(?P<name>.*?)\s*<(?P<email>[^<>\s]+)>\s*$", re.IGNORECASE | re.MULTILINE)


@dataclass
class People:
    """People met while fetching, keyed pseudonymously: `rows` are `people` rows by person key,
    `links` the `person_links` found (e-mail key -> account key)."""

    salt: str
    rows: dict[str, dict] = field(default_factory=dict)
    source: str = "github"
    links: dict[str, str] = field(default_factory=dict)  # e-mail key -> account key (person_links)

    def link(self, email: str, account_key: str) -> None:
        """GitHub linked a commit by `email` to an account: the two keys are one person."""
        if email and "@" in email:
            email_key = identity.key_for_email(email, self.salt)
            if email_key != account_key:
                self.links[email_key] = account_key

    def _add(self, key: str, login: str | None, bot: bool, seen: dt.datetime | None) -> str:
        day = seen.date() if seen else None
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = {"person_key": key, "github_login": login, "is_bot": bot, "first_seen": day,
                              "source": self.source}
        else:
            row["github_login"] = row["github_login"] or login
            row["is_bot"] = row["is_bot"] or bot
            if day and (row["first_seen"] is None or day < row["first_seen"]):
                row["first_seen"] = day
        return key

    def seen(self, key: str, when: dt.datetime | None) -> None:
        """`key` (already met) was seen again at `when`."""
        row = self.rows[key]
        if when and (row["first_seen"] is None or when.date() < row["first_seen"]):
            row["first_seen"] = when.date()

    def from_login(self, login: str, seen=None, *, bot: bool = False) -> str:
        """The key of GitHub account `login`, met at `seen`."""
        return self._add(identity.key_for_login(login, self.salt), login, bot or identity.is_bot(login), seen)

    def from_email(self, email: str, name: str | None, seen=None) -> str:
        """The key of an author known only by e-mail address (a GitHub noreply address names its login)."""
        normalised = identity.normalise_email(email)
        if normalised.startswith("login:"):  # a GitHub noreply address names its login
            return self.from_login(normalised[6:], seen)
        bot = identity.is_bot(name) if name else False
        return self._add(identity.key_for_email(email, self.salt), None, bot, seen)
