"""Pseudonymous person keys and bot detection.

A person is keyed by a salted hash of their GitHub login, or of their normalised e-mail
address when a commit is linked to no account. The same input and salt always give the
same key, so people merge across repositories, refreshes and sources. The e-mail address
itself is never stored or logged.
"""
from __future__ import annotations

import hashlib
import hmac
import re

BOT_LOGINS = {"dependabot", "github-actions", "web-flow", "dependabot-preview", "renovate", "pre-commit-ci"}
_BOT_SUFFIX = re.compile(r"\[bot\]$|-bot$", re.IGNORECASE)


def _key(kind: str, value: str, salt: str) -> str:
    if not salt:
        raise ValueError("a non-empty salt is required to make person keys")
    digest = hmac.new(salt.encode("utf-8"), f"{kind}:{value}".encode("utf-8"), hashlib.sha256)
    return "p_" + digest.hexdigest()[:16]


def key_for_login(login: str, salt: str) -> str:
    """Person key for a GitHub login (logins are case-insensitive)."""
    return _key("login", login.strip().lower(), salt)


def normalise_email(email: str) -> str:
    """Lower-case, trimmed; GitHub's noreply addresses reduce to the login they stand for."""
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if domain == "users.noreply.github.com":
        return "login:" + local.split("+", 1)[-1]
    return email


def key_for_email(email: str, salt: str) -> str:
    """Person key for a commit author known only by e-mail address."""
    normalised = normalise_email(email)
    if normalised.startswith("login:"):
        return key_for_login(normalised[6:], salt)
    return _key("email", normalised, salt)


def is_bot(login: str | None) -> bool:
    """True for automation accounts: dependabot, github-actions, web-flow and any *[bot]."""
    if not login:
        return False
    name = login.strip().lower()
    return name in BOT_LOGINS or bool(_BOT_SUFFIX.search(name))


def load_salt() -> str:
    """The secret salt for person keys: `DSA_SALT`, else the file `DSA_SALT_FILE` (default
    data/.salt, git-ignored), created with a random value on first use.

    Keep it stable: a different salt gives everyone new keys (the ETL then reloads in full).
    """
    import os
    import secrets
    from pathlib import Path

    from etl import config

    if os.environ.get("DSA_SALT"):
        return os.environ["DSA_SALT"]
    path = Path(os.environ.get("DSA_SALT_FILE") or config.DATA_DIR / ".salt")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()


def salt_fingerprint(salt: str) -> str:
    """A short, one-way mark of the salt, stored to notice when it changes."""
    return hashlib.sha256(("fingerprint:" + salt).encode("utf-8")).hexdigest()[:16]
