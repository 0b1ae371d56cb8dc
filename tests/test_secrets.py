"""Secrets never leave: one redaction (etl.shared.redaction) for log lines, one-line errors,
the etl_runs log, the pages and the Parquet export.

The acceptance check: with GITHUB_API_URL carrying user:SECRET@ and a refused token, the secret
appears in no log line, etl_runs row, page (AppTest) or Parquet file. Every secret value below
contains SECRET, so one search finds any of them.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import config, pipeline
from etl.shared import redaction
from tests.conftest import build_tiny
from tests.github_server import FakeGitHub
from tests.test_github_refresh import SALT, day, populate, sources
from tests.test_pages import ENTRY, PAGES, fresh_caches  # noqa: F401 (fixture)
from tests.test_text import shown as text_shown

SECRET = "SECRET"
VALID_TOKEN = "ghp_SECRETvalid0123456789abcdefghijklmn"
REFUSED_TOKEN = "ghp_SECRETrefused0123456789abcdefghijk"
URL_PASSWORD = "SECRETurl%2Fpass"

# Each kind of secret, in the text it might reach a message in.
KINDS = {
    "user:password in a URL": "GitHub refused the token at https://someone:SECRETpw@ghe.example/api/v3: check it",
    "a token as a URL's user": "cloning https://SECRETtokenuser@gitlab.example/group/repo.git failed",
    "Authorization header": "sent Authorization: token SECRETheader and was refused",
    "Authorization in a dict": "{'Authorization': 'Bearer SECRETdict', 'Accept': 'application/json'}",
    "Bearer value": "the gateway said: Bearer SECRETbearer0123456789abcdef is not valid",
    "Cookie header": "Cookie: _streamlit_user=SECRETcookie; other=1",
    "access_token parameter": "GET https://login.example/cb?code=1&access_token=SECRETaccess&state=2",
    "client_secret parameter": "POST /token client_id=app&client_secret=SECRETclient",
    "token parameter": "https://ghe.example/api/v3/orgs?token=SECRETparam",
    "a secret in JSON": '{"password": "SECRETjson", "kept": {"nhsx/a": "why"}}',
    "ghp_ token": "bad credentials for ghp_SECRET0123456789abcdefghijklmnopq",
    "gho_ token": "gho_SECRET0123456789abcdefghij",
    "ghu_ token": "(ghu_SECRET0123456789abcdefghij)",
    "ghs_ token": "ghs_SECRET0123456789abcdefghij.",
    "ghr_ token": "ghr_SECRET0123456789abcdefghij",
    "github_pat_ token": "token github_pat_11SECRET0123456789_abcdefghijklmnopqrstuvwxyz0123",
}
HARMLESS = [
    "GitHub refused the token (401 Bad credentials) at https://ghe.example/api/v3: check GITHUB_TOKEN",
    "GitHub answered 404 for the commits: Not Found; it is not loaded",
    "the token was refused; Bearer of bad news; a cookie jar",
    "https://github.com/nhsx/repo/blob/main/README.md?plain=1#L3 and a@b.example",
    '{"kept": {"nhsx/token-tool": "its fetch failed: 403 for the commits"}}',
    "2 repositories map to no team (loaded anyway): nhsengland/empty-repo",
]


def redact_in_sql(text: str | None) -> str | None:
    con = duckdb.connect()
    try:
        sql = redaction.for_sql(con)
        return con.execute(f"SELECT {sql.expression('v')} FROM (SELECT ?::VARCHAR AS v)", [text]).fetchone()[0]
    finally:
        con.close()


# --- the redaction ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", KINDS.values(), ids=KINDS.keys())
def test_each_kind_of_secret_is_replaced_in_python_and_in_duckdb_alike(text):
    clean = redaction.redact(text)
    assert SECRET not in clean and "***" in clean
    assert redact_in_sql(text) == clean
    assert redaction.redact(clean) == clean  # redacting twice changes nothing more


@pytest.mark.parametrize("text", HARMLESS)
def test_text_without_secrets_is_left_as_it_is(text):
    assert redaction.redact(text) == text
    assert redact_in_sql(text) == text


def test_secrets_from_the_environment_are_replaced_wherever_they_appear(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "plainSECRETtoken")        # not token-shaped
    monkeypatch.setenv("DSA_SALT", "SECRETsalt")
    monkeypatch.setenv("GITHUB_API_URL", f"https://someone:{URL_PASSWORD}@ghe.example/api/v3")
    monkeypatch.setenv("SOME_SERVICE_API_KEY", "SECRETapikey")    # named like a secret
    monkeypatch.setenv("DSA_SALT_FILE", "/srv/insights/.salt")     # a file name, not a secret
    monkeypatch.setenv("SHORT_TOKEN", "abc")                       # too short to be one
    text = ("token plainSECRETtoken, salt SECRETsalt, password SECRETurl/pass (or SECRETurl%2Fpass) "
            'and "SECRETapikey" in /srv/insights/.salt; abc')
    for clean in (redaction.redact(text), redact_in_sql(text)):
        assert SECRET not in clean
        assert clean.count("***") == 5 and "/srv/insights/.salt" in clean and clean.endswith("; abc")


def test_the_sign_in_secrets_are_redacted_once_the_dashboard_has_read_them(demo_db, monkeypatch):
    from tests.test_access import AUTH, VIEWER, signed_in_app

    client, cookie = "oidcSECRETclient-made-for-this-test", "cookieSECRET-made-for-this-test"
    text = f"client_id=app client {client} cookie {cookie}"
    assert redaction.redact(text) == text
    signed_in_app(demo_db, monkeypatch, VIEWER, auth={**AUTH, "client_secret": client, "cookie_secret": cookie})
    assert redaction.redact(text) == "client_id=app client *** cookie ***"


def test_run_details_stay_valid_json():
    detail = json.dumps({"kept": {"nhsx/a": "GitHub answered 403 at https://u:SECRETx@h/api/v3"}, "moved": {}})
    clean = redaction.redact_json(detail)
    assert json.loads(clean) == {"kept": {"nhsx/a": "GitHub answered 403 at https://***@h/api/v3"}, "moved": {}}


def test_log_lines_and_tracebacks_of_the_command_line_are_redacted(tmp_path):
    """A library's own handler (PyGithub adds one), logger.exception, and an uncaught exception's
    traceback, in a process set up as `python -m etl` sets itself up."""
    script = tmp_path / "leak.py"
    script.write_text(f"""
import logging
from etl.shared import redaction
redaction.install_logging()
library = logging.getLogger("somelib")
library.addHandler(logging.StreamHandler())   # writes with its own (plain) formatter
library.propagate = False
library.warning("GET %s", {KINDS["access_token parameter"]!r})
try:
    raise ValueError({KINDS["user:password in a URL"]!r})
except ValueError:
    logging.getLogger("etl").exception("it failed: %s", {KINDS["Authorization header"]!r})
raise RuntimeError({KINDS["github_pat_ token"]!r})
""")
    done = subprocess.run([sys.executable, str(script)], cwd=config.ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(config.ROOT)}, timeout=60)
    assert done.returncode == 1
    assert "access_token=***" in done.stderr and "https://***@ghe.example" in done.stderr
    assert "Authorization: token ***" in done.stderr and "RuntimeError: token ***" in done.stderr
    assert done.stderr.count("Traceback") == 2
    assert SECRET not in done.stderr


def test_runs_logged_before_are_redacted_by_the_next_build(tmp_path):
    db = tmp_path / "w.duckdb"
    with pipeline.build(db, "test") as b:
        b.data_as_of = dt.datetime(2025, 3, 31)
    con = duckdb.connect(str(db))  # a run written by an earlier version, before redaction
    con.execute("INSERT INTO etl_runs (run_id, source, started_at, status, message, repos_detail) VALUES "
                "('old', 'github', TIMESTAMP '2025-01-01', 'failed', ?, ?)",
                [KINDS["user:password in a URL"], json.dumps({"kept": {"nhsx/a": KINDS["ghp_ token"]}})])
    con.close()
    with pipeline.build(db, "test") as b:
        b.data_as_of = dt.datetime(2025, 3, 31)
        b.stats["message"] = KINDS["Authorization in a dict"]
        b.stats["repos_detail"] = json.dumps({"skipped": {"nhsx/b": KINDS["access_token parameter"]}})
    rows = all_text(db, "etl_runs")
    assert len(rows) == 3 and not [r for r in rows if SECRET in r]
    detail = duckdb.connect(str(db), read_only=True).execute(
        "SELECT repos_detail FROM etl_runs WHERE run_id = 'old'").fetchone()[0]
    assert json.loads(detail) == {"kept": {"nhsx/a": "bad credentials for ***"}}


def test_the_export_redacts_text_a_source_stored(tmp_path):
    """Defence in depth: text stored unredacted (a repository description written on GitHub)
    leaves the export redacted, in text, list and JSON columns."""
    db = tmp_path / "w.duckdb"
    build_tiny(db)
    con = duckdb.connect(str(db))  # as if a source had stored them
    con.execute("UPDATE repositories SET description = ?, topics = ?",
                [KINDS["a token as a URL's user"], ["x", "token=SECRETtopic"]])
    con.execute("UPDATE etl_runs SET repos_detail = ?", [json.dumps({"kept": {"nhsx/a": KINDS["gho_ token"]}})])
    con.close()
    out = tmp_path / "export"
    done = etl_cli("export", "--parquet", str(out), "--db", str(db), env={})
    assert done.returncode == 0, done.stderr
    found = parquet_text(out)
    assert any("https://***@gitlab.example" in r and "token=***" in r for r in found["repositories.parquet"])
    assert any("***" in r for r in found["etl_runs.parquet"])
    assert leaks(found) == []


# --- the acceptance check: credentials in GITHUB_API_URL, a refused token -------------------------

GATEWAY = ("gateway refused: " + KINDS["Authorization header"] + " / " + KINDS["Bearer value"] + " / "
           + KINDS["access_token parameter"] + " " + KINDS["client_secret parameter"] + " "
           + KINDS["github_pat_ token"] + " " + KINDS["a secret in JSON"])


def etl_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=config.ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    """Refreshes whose GitHub (FakeGitHub on 127.0.0.1) is reached through a URL with user:password:
    one that succeeds; one where a gateway refuses a changed repository's commits with a message
    echoing every kind of secret (partial); one with a refused token (failed). Then `etl status`
    and an export."""
    tmp = tmp_path_factory.mktemp("leaky")
    with FakeGitHub(token=VALID_TOKEN) as gh:
        gh.retry_after_seconds = 0
        populate(gh, org_size=3)
        url = gh.base_url.replace("http://", f"http://someone:{URL_PASSWORD}@")
        db, cfg = tmp / "warehouse.duckdb", sources(tmp)
        env = {"GITHUB_API_URL": url, "DSA_SALT": SALT, "DSA_DB": str(db)}
        first = etl_cli("refresh", "--config", str(cfg.path), env={**env, "GITHUB_TOKEN": VALID_TOKEN})
        assert first.returncode == 0, first.stderr
        gh.commit("nhsx/analysis-001", message="More", date=day(20), author_login="analyst-1", files={"b.py": "x"})
        gh.refuse(r"^/repos/nhsx/analysis-001/(commits|compare)", status=403, message=GATEWAY)
        partial = etl_cli("refresh", "--config", str(cfg.path), env={**env, "GITHUB_TOKEN": VALID_TOKEN})
        refused = etl_cli("refresh", "--config", str(cfg.path), env={**env, "GITHUB_TOKEN": REFUSED_TOKEN})
    status = etl_cli("status", env=env)
    export = etl_cli("export", "--parquet", str(tmp / "export"), env=env)
    assert (partial.returncode, refused.returncode, status.returncode, export.returncode) == (3, 2, 1, 0), \
        partial.stderr + refused.stderr + export.stderr
    return {"db": db, "url": url, "export": tmp / "export", "runs": [partial, refused, status, export, first]}


def all_text(db: Path, table: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(f"SELECT CAST(t AS VARCHAR) FROM {table} t").fetchall()]
    finally:
        con.close()


def test_no_log_line_carries_a_secret(leaky):
    partial, refused, status, _export, _first = leaky["runs"]
    assert "GitHub answered 403 for the commits: gateway refused: sent Authorization: token ***" in partial.stderr
    assert "GitHub refused the token (401 Bad credentials) at http://***@127.0.0.1:" in refused.stderr
    assert "PROBLEM: The last run" in status.stdout and "http://***@127.0.0.1:" in status.stdout
    for done in leaky["runs"]:
        assert SECRET not in done.stdout + done.stderr


def test_no_etl_runs_row_carries_a_secret(leaky):
    runs = all_text(leaky["db"], "etl_runs")
    assert len(runs) == 3
    assert any("GitHub refused the token (401 Bad credentials) at http://***@127.0.0.1:" in r for r in runs)
    assert any("gateway refused: sent Authorization: token ***" in r for r in runs)
    problems = all_text(leaky["db"], "data_problems")
    assert any("fetch_failed" in p and "access_token=***" in p for p in problems)
    assert not [r for r in runs + problems if SECRET in r]


def shown(at) -> str:
    """Everything the run put on the page as a reader sees it: each element's message, tables and
    charts included, Markdown escapes and HTML entities read and word joiners left out (so that a
    secret split by escaping is still found)."""
    return readable("\n".join(node.proto.SerializeToString().decode("utf-8", "replace")
                               for node in at._tree if getattr(node, "proto", None) is not None))


def readable(markdown: str) -> str:
    return text_shown(markdown).replace("\u2060", "")


def test_no_page_shows_a_secret(leaky, monkeypatch):
    monkeypatch.setenv("DSA_DB", str(leaky["db"]))
    pages_show_no_secret(leaky["db"], monkeypatch, last_run="GitHub refused the token")


def test_pages_redact_what_an_earlier_version_stored(leaky, monkeypatch, tmp_path):
    """Defence in depth: a warehouse whose run log and problems were written before redaction
    (or by anything else) is shown redacted: the banner, the Data page's tables, the refresh log."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(leaky["db"], db)
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO etl_runs (run_id, source, started_at, finished_at, status, message) VALUES "
                "('earlier-version', 'github', now()::TIMESTAMP, now()::TIMESTAMP, 'failed', ?)",
                [KINDS["user:password in a URL"] + " " + KINDS["Cookie header"]])
    con.execute("INSERT INTO data_problems VALUES ('github', 'nhsx/analysis-002', 'fetch_failed', 'commits', ?, "
                "now()::TIMESTAMP)", [KINDS["ghs_ token"] + " " + KINDS["client_secret parameter"]])
    con.close()
    assert SECRET in "".join(all_text(db, "etl_runs") + all_text(db, "data_problems"))
    monkeypatch.setenv("DSA_DB", str(db))
    pages_show_no_secret(db, monkeypatch, last_run="GitHub refused the token at https://***@ghe.example")


def pages_show_no_secret(db: Path, monkeypatch, last_run: str) -> None:
    """Every page, with the banner saying `last_run`; the Data page with the log of a refresh
    started there."""
    from dashboard import operations

    monkeypatch.setenv("DSA_REFRESH_USERS", "*")  # the Data page then shows the log of a refresh started there
    log = operations.log_path(db)
    log.write_text(f"ERROR GitHub refused the token at http://someone:{URL_PASSWORD}@127.0.0.1:9/api/v3\n"
                   f"GITHUB_TOKEN={REFUSED_TOKEN}\nrefresh exit code 2\n")
    at = AppTest.from_file(str(ENTRY), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    banner = readable(" ".join(w.value for w in at.warning))
    assert "The last run" in banner and last_run in banner
    for script in PAGES:
        at.switch_page(script).run()
        assert not at.exception, (script, [e.message for e in at.exception])
        page = shown(at)
        assert last_run in page  # the banner, on every page
        if script.endswith("data.py"):
            assert "gateway refused: sent Authorization: token ***" in page
            assert "http://***@127.0.0.1:9/api/v3" in page and "GITHUB_TOKEN=***" in page  # the refresh log
        assert SECRET not in page, script
    log.unlink()


def parquet_text(folder: Path) -> dict[str, list[str]]:
    con = duckdb.connect()
    try:
        return {str(f.relative_to(folder)): [r[0] for r in con.execute(
                    f"SELECT CAST(t AS VARCHAR) FROM read_parquet('{f}') t").fetchall()]
                for f in sorted(folder.rglob("*.parquet"))}
    finally:
        con.close()


def leaks(found: dict[str, list[str]]) -> list[str]:
    return [f"{name}: {row}" for name, rows in found.items() for row in rows if SECRET in row]


def test_no_parquet_file_carries_a_secret(leaky):
    found = parquet_text(leaky["export"])
    assert len(found) > 20 and "etl_runs.parquet" in found
    assert any("http://***@127.0.0.1:" in r for r in found["etl_runs.parquet"])
    assert leaks(found) == []
    assert SECRET not in (leaky["export"] / "schema.json").read_text()
