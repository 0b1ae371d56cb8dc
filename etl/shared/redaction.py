"""Secrets kept out of everything the project writes or shows: log lines (tracebacks included),
one-line errors, the warehouse's run log (`etl_runs`), the dashboard's pages and the Parquet
export. One redaction for all of them; no Streamlit here, so the ETL, the dashboard and the
export share it.

`redact(text)` replaces with `***`:

- the values of secrets the project is given: the environment variables in SECRET_VARIABLES
  (GitHub tokens, the person-key salt) and any other variable named like a secret (`*TOKEN*`,
  `*SECRET*`, `*PASSWORD*`, `*API_KEY*`, ...), the password of any URL in the environment
  (`GITHUB_API_URL=https://user:PASSWORD@host`, proxies), and values handed to `remember` (the
  dashboard's sign-in client secret and cookie secret); values shorter than MIN_LENGTH are not
  secrets anyone could use, and replacing them would garble the text;
- the user and password of ANY URL: `https://***@host/...`;
- the value of `Authorization:`, `Proxy-Authorization:`, `Cookie:` and token headers, and a long
  value after `Bearer` or `token`;
- values of parameters and settings named like a secret: `access_token=`, `client_secret=`,
  `token=`, `password=`, `GITHUB_TOKEN=`, and `"token": "..."` in JSON;
- GitHub token shapes: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and `github_pat_`.

The patterns are written in the syntax Python's `re` and DuckDB's RE2 share, so `for_sql(con)`
gives the same redaction as DuckDB expressions (the export, earlier `etl_runs` rows), with the
secret values passed as a variable, never written into SQL text.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import traceback
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MASK = "***"
MIN_LENGTH = 6

#: Secrets the project reads from the environment, by name (the workflow's too).
SECRET_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN", "GH_READ_TOKEN", "DSA_SALT")
#: Other environment variables whose value is treated as a secret: named like one, and not a
#: file, folder, address or user name.
_SECRET_NAME = re.compile(r"(?i)(token|secret|passw|api_?key|private_?key|credential|salt)")
_NOT_A_SECRET_NAME = re.compile(r"(?i)_(file|path|dir|directory|url|uri|endpoint|host|port|user|username|name|id|mode|type)$")

_SECRET_WORD = r"(?:token|secret|password|passwd|api_?key|apikey|salt)"
#: (pattern, replacement): each in the syntax both Python's re and RE2 (DuckDB) accept. No value
#: pattern takes a quote or a backslash, so JSON text stays JSON.
PATTERNS: tuple[tuple[str, str], ...] = (
    # user:password@ (or a token as the user) in any URL
    (r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#'\"<>\\]+@", r"\1***@"),
    # Authorization-like headers, in logs and in dict reprs ('Authorization': 'token ...')
    (r"(?i)\b((?:proxy-)?authorization|private-token|x-api-key|api-key|x-[a-z\-]*token)(['\"]?\s*[:=]\s*['\"]?)"
     r"((?:bearer|token|basic|digest)\s+)?[^\s'\",;}\\]+", r"\1\2\3***"),
    (r"(?i)\b(set-cookie|cookie)(['\"]?\s*:\s*['\"]?)[^\r\n'\"\\]+", r"\1\2***"),
    # a long value after Bearer or token, wherever it is
    (r"(?i)\b((?:bearer|token)\s+)[a-z0-9\-._~+/]{20,}=*", r"\1***"),
    # access_token=..., client_secret=..., GITHUB_TOKEN=... (query strings, settings)
    (r"(?i)\b([a-z0-9_\-]*" + _SECRET_WORD + r")=[^\s&'\"#,;\\]+", r"\1=***"),
    # "token": "..." in JSON or a Python dict
    (r"(?i)(['\"][a-z0-9_\-]*" + _SECRET_WORD + r"['\"]\s*:\s*['\"])[^'\"\\]*", r"\1***"),
    # GitHub's token shapes
    (r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})", MASK),
)
_COMPILED = tuple((re.compile(p), r) for p, r in PATTERNS)
#: Matches wherever any of PATTERNS could: text it does not match is left as it is, unread.
TRIGGER = (r"(?i)(://[^/\s@?#'\"<>]+@|authorization|cookie|token|bearer|secret|passw|api[_\-]?key|salt"
           r"|gh[pousr]_|github_pat_)")
_TRIGGER = re.compile(TRIGGER)

_remembered: set[str] = set()
_lock = threading.Lock()
_SQL_VARIABLE = "dsa_redaction_secrets"


def remember(*values: object) -> None:
    """Treat these values as secrets too from now on (e.g. the sign-in client secret)."""
    with _lock:
        _remembered.update(str(v) for v in values if isinstance(v, str) and len(v) >= MIN_LENGTH)


def known_secrets(extra: Iterable[str | None] = ()) -> list[str]:
    """Every secret value to replace, longest first (so a secret containing another goes whole),
    each also in the forms it takes inside a URL and inside JSON."""
    found = {v for v in extra if v}
    for name, value in os.environ.items():
        if not value:
            continue
        if name in SECRET_VARIABLES or secret_name(name):
            found.add(value)
        if "://" in value and "@" in value:
            found.update(_url_password(value))
    with _lock:
        found |= _remembered
    forms = set()
    for value in found:
        if len(value) >= MIN_LENGTH:
            forms |= {value, urllib.parse.quote(value, safe=""), json.dumps(value)[1:-1]}
    return sorted(forms, key=lambda v: (-len(v), v))


def secret_name(name: str) -> bool:
    """Whether a setting called `name` holds a secret (`client_secret`, `API_TOKEN`), rather than
    a file, folder, address or user name (`DSA_SALT_FILE`, `TOKEN_URL`)."""
    return bool(_SECRET_NAME.search(name)) and not _NOT_A_SECRET_NAME.search(name)


def _url_password(value: str) -> list[str]:
    try:
        password = urllib.parse.urlsplit(value.strip()).password
    except ValueError:
        return []
    return [password, urllib.parse.unquote(password)] if password else []


def redactor(extra: Iterable[str | None] = ()) -> Callable[[object], str]:
    """A redact function with the secrets looked up once: for many values in a row."""
    values = known_secrets(extra)
    literal = re.compile("|".join(map(re.escape, values))) if values else None

    def clean(text: object) -> str:
        text = str(text)
        if literal is not None:
            text = literal.sub(MASK, text)
        if _TRIGGER.search(text):
            for pattern, replacement in _COMPILED:
                text = pattern.sub(replacement, text)
        return text

    return clean


def redact(text: object, extra: Iterable[str | None] = ()) -> str:
    """`text` with every secret replaced by `***` (see the module's docstring); `extra` adds
    secrets only the caller knows (a token it was given)."""
    return redactor(extra)(text)


def redact_json(text: str | None, extra: Iterable[str | None] = ()) -> str | None:
    """JSON text with every string in it redacted, still valid JSON; other text redacted as text."""
    if text is None:
        return None
    clean = redactor(extra)
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return clean(text)

    def walk(v):
        if isinstance(v, str):
            return clean(v)
        if isinstance(v, dict):
            return {clean(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return json.dumps(walk(value), sort_keys=True)


@dataclass(frozen=True)
class SqlRedaction:
    """`redact` as DuckDB expressions, for a connection given the secret values by `for_sql`."""

    secrets: int  # how many values the connection's variable holds

    def expression(self, text: str) -> str:
        """The VARCHAR expression `text`, redacted. Text that cannot hold a secret (no secret
        value in it, TRIGGER not matching) is passed through without running the patterns."""
        values = [f"getvariable('{_SQL_VARIABLE}')[{i}]" for i in range(1, self.secrets + 1)]
        out = text
        for value in values:
            out = f"replace({out}, {value}, '{MASK}')"
        for pattern, replacement in PATTERNS:
            out = f"regexp_replace({out}, {_literal(pattern)}, {_literal(replacement)}, 'g')"
        suspect = " OR ".join([f"regexp_matches({text}, {_literal(TRIGGER)})"]
                              + [f"contains({text}, {value})" for value in values])
        return f"(CASE WHEN {suspect} THEN {out} ELSE {text} END)"

    def json(self, value: str) -> str:
        """The JSON expression `value`, redacted (as a JSON string, should it no longer parse)."""
        text = self.expression(f"CAST({value} AS VARCHAR)")
        return f"coalesce(TRY_CAST({text} AS JSON), to_json({text}))"

    def column(self, name: str, data_type: str) -> str:
        """`"name" AS "name"`, redacted when its type holds text (VARCHAR, JSON, VARCHAR[])."""
        quoted = '"' + name.replace('"', '""') + '"'
        kind = data_type.upper()
        if kind == "VARCHAR":
            return f"{self.expression(quoted)} AS {quoted}"
        if kind == "JSON":
            return f"{self.json(quoted)} AS {quoted}"
        if kind == "VARCHAR[]":
            return f"list_transform({quoted}, lambda x: {self.expression('x')}) AS {quoted}"
        return quoted


def for_sql(con, extra: Iterable[str | None] = ()) -> SqlRedaction:
    """Hand the secret values to a DuckDB connection as a variable (never written into SQL text),
    and return the expressions that redact with them."""
    values = known_secrets(extra)
    con.execute(f"SET VARIABLE {_SQL_VARIABLE} = ?::VARCHAR[]", [values])
    return SqlRedaction(len(values))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class RedactingFormatter(logging.Formatter):
    """A log formatter whose every line (message, exception text, traceback) is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactedRecord(logging.LogRecord):
    """A log record that gives its message, exception text and stack redacted, to any handler
    and formatter (a library's own handler too, such as the one PyGithub adds). Redacted when
    read, so a record no handler writes (PyGithub's request log, only counted) costs nothing."""

    def getMessage(self) -> str:  # noqa: N802 - logging's name
        return redact(super().getMessage())

    @property
    def exc_text(self) -> str | None:
        if self._exc_text is None and self.exc_info:
            self._exc_text = redact(logging.Formatter().formatException(self.exc_info))
        return self._exc_text

    @exc_text.setter
    def exc_text(self, value: str | None) -> None:
        self._exc_text = None if value is None else redact(value)

    @property
    def stack_info(self) -> str | None:
        return self._stack_info

    @stack_info.setter
    def stack_info(self, value: str | None) -> None:
        self._stack_info = None if value is None else redact(value)


def install_logging(level: int = logging.INFO, fmt: str = "%(asctime)s %(levelname)s %(message)s") -> None:
    """The command line's logging: every log record redacted (RedactedRecord); a handler on
    stderr whose lines are redacted again (RedactingFormatter); and an uncaught exception's
    traceback redacted. Adds no handler when something (pytest) has set one up."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(RedactingFormatter(fmt))
        root.addHandler(handler)
        root.setLevel(level)
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(RedactedRecord)
    sys.excepthook = _redacted_excepthook


def _redacted_excepthook(kind, value, tb) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))
