"""Command line of the ETL: `python -m etl COMMAND [--db PATH] ...`.

Commands:
  demo        build the deterministic demo warehouse (--scale nhs: NHS-sized, for benchmarks)
  refresh     load GitHub organisations and repositories (incremental), teams and records
  check       validate project records, needs, data/teams.yml, data/taxonomy.yml and
              data/radar.yml without loading anything
  records     import a register into record or need files, or load the records and needs
  status      print the last runs and the row count of every table
  dictionary  write (or --check) the data dictionary in data/README.md from the schema, and
              the record and need fields in data/projects/README.md and data/needs/README.md
  schedule    refresh every N hours as a long-running process (stops cleanly on SIGTERM)
  report      the annual report as self-contained HTML (and PDF)
  case-study  a project's one-page case study as HTML (and PDF)
  export      write every table as Parquet (--parquet DIR) with a schema file
  person-key  print the person key of a GitHub login or e-mail address (for aliases in
              data/teams.yml), without storing either
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

import duckdb

from etl import config
from etl.shared import redaction

# etl.warehouse and most modules below it read data/vocabulary.yml when imported: commands import
# them once main() has checked that file, so a mistake in it is one line, not a traceback.

log = logging.getLogger("etl")


def cmd_demo(args) -> int:
    from etl.demo import build

    path = config.db_path(args.db)
    started = time.perf_counter()
    if args.scale == "nhs":
        from etl.demo import nhs_scale

        counts = nhs_scale.build(path, progress=lambda table, rows: log.info("%s: %s rows", table, f"{rows:,}"))
        log.info("NHS-scale demo warehouse written to %s in %.1f s: %s", path, time.perf_counter() - started,
                 nhs_scale.describe(counts))
        return 0
    counts = build.build_demo(path)
    log.info("demo warehouse written to %s in %.1f s: %s", path, time.perf_counter() - started,
             ", ".join(f"{t} {n}" for t, n in sorted(counts.items()) if n))
    return 0


def cmd_refresh(args) -> int:
    from etl import source_config
    from etl.github import refresh
    from etl.records import teams

    path = config.db_path(args.db)
    try:
        chosen = args.config or (source_config.default_path() if source_config.default_path().exists() else None)
        cfg = source_config.with_command_line(source_config.load(chosen), args.org or [], args.repo or [],
                                              getattr(args, "git", None) or [])
        started = time.perf_counter()
        minutes = getattr(args, "time_limit", None)
        outcome = refresh.refresh(path, cfg, full=args.full, confirm_removals=getattr(args, "confirm_removals", False),
                                  time_limit=minutes * 60 if minutes is not None else None)
    except (source_config.ConfigError, teams.TeamsError, refresh.RefreshError) as exc:  # one line, exit 2
        log.error("%s", exc)
        return 2
    log.info("refresh of %s finished in %.1f s%s: %d repositories listed, %d fetched, %d commits added; %s",
             path, time.perf_counter() - started, " (partial)" if outcome.partial else "", outcome.listed,
             outcome.fetched, outcome.commits_added, outcome.summary())
    return 3 if outcome.partial else 0


def cmd_check(args) -> int:
    from etl.records import portfolio
    from etl.reference import radar, taxonomy
    from etl.reference.reading import ReferenceError

    found = portfolio.check(Path(args.records or portfolio.DEFAULT_RECORDS),
                            Path(args.teams or config.DATA_DIR / "teams.yml"), Path(args.needs) if args.needs else None,
                            radar_file=Path(args.radar) if args.radar else None,
                            taxonomy_file=Path(args.taxonomy) if args.taxonomy else None)
    problems = [str(p) for p in found if not p.warning]
    warnings = [str(p) for p in found if p.warning]
    for read, path in ((taxonomy.rows, args.taxonomy or taxonomy.TAXONOMY), (radar.rows, args.radar or radar.RADAR)):
        try:
            read(Path(path))
        except ReferenceError as exc:
            problems += str(exc).splitlines()
    for problem in problems + warnings:
        print(problem)
    also = f"; {len(warnings)} warning(s)" if warnings else ""
    if problems:
        print(f"{len(problems)} problem(s){also}; nothing was loaded.", file=sys.stderr)
        return 1
    print(f"All records, needs, teams, the taxonomy and the radar are valid{also}.", file=sys.stderr)
    return 0


def cmd_records_import(args) -> int:
    from etl.records import need_register, portfolio, spreadsheet, teams
    from etl.records.errors import RecordsError

    try:
        known = {t["team_id"] for t in teams.load(Path(args.teams or config.DATA_DIR / "teams.yml"))["teams"]}
        if args.of == "needs":
            records = Path(args.records or portfolio.DEFAULT_RECORDS)
            written = need_register.import_register(Path(args.register),
                                                    Path(args.out or portfolio.needs_beside(records)),
                                                    known, records, force=args.force)
        else:
            written = spreadsheet.import_register(Path(args.register), Path(args.out or portfolio.DEFAULT_RECORDS),
                                                  known, force=args.force)
    except (RecordsError, teams.TeamsError) as exc:
        print(exc)
        print("Nothing was written.", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_records_load(args) -> int:
    from etl.records import portfolio, teams
    from etl.records.errors import RecordsError

    path = config.db_path(args.db)
    try:
        counts = portfolio.load_into_warehouse(path, Path(args.records or portfolio.DEFAULT_RECORDS),
                                               Path(args.teams or config.DATA_DIR / "teams.yml"),
                                               Path(args.needs) if args.needs else None)
    except (RecordsError, teams.TeamsError) as exc:
        print(exc)
        print("Nothing was loaded; the warehouse is as it was.", file=sys.stderr)
        return 1
    log.info("records loaded into %s: %s", path, ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def cmd_status(args) -> int:
    from etl import warehouse
    from etl.warehouse import freshness

    path = config.db_path(args.db)
    warehouse.examine(path)  # none, not a warehouse, damaged, another schema: one line, exit 2
    import pandas as pd  # only now: a probe that fails says so at once

    con = warehouse.open_read_only(path)
    try:
        runs = con.execute(
            "SELECT run_id, source, status, started_at, finished_at, data_as_of, repos_seen, repos_changed, "
            "commits_added, api_requests, rate_limit_remaining, message FROM etl_runs "
            "ORDER BY started_at DESC LIMIT ?", [args.runs]).df()
        counts = warehouse.row_counts(con)
    finally:
        con.close()
    print(f"Warehouse: {path}\n\nLast runs (newest first):")
    for r in runs.itertuples():
        took = (r.finished_at - r.started_at).total_seconds() if not pd.isna(r.finished_at) else float("nan")
        figures = [f"{label} {int(v)}" for label, v in (("repos", r.repos_seen), ("fetched", r.repos_changed),
                   ("commits+", r.commits_added), ("requests", r.api_requests), ("rate left", r.rate_limit_remaining))
                   if not pd.isna(v)]
        print(f"  {r.started_at:%Y-%m-%d %H:%M:%S}  {r.source:<8} {r.status:<9} {took:6.1f} s  {', '.join(figures)}")
        if isinstance(r.message, str) and r.message:
            print(f"      {redaction.redact(r.message)}")
    if runs.empty:
        print("  (none)")
    print("\nRows per table:")
    width = max(map(len, counts))
    for table, n in counts.items():
        print(f"  {table:<{width}}  {n:>10,}")
    con = warehouse.open_read_only(path)
    try:
        fresh = freshness.read(con)
    finally:
        con.close()
    problems = fresh.problems(freshness.utcnow())
    con = warehouse.open_read_only(path)
    try:
        removal = freshness.removal_problem(con, config.max_removed_share())
    finally:
        con.close()
    if removal:
        problems.append(removal)
    if runs.empty:
        problems.insert(0, "No run is logged")
    print()
    for problem in problems:
        print(f"PROBLEM: {redaction.redact(problem)}.")
    if not problems:
        print("OK: the last run succeeded" + (" (demo data: a fixed snapshot, its age is not checked)."
                                              if fresh.contents == "demo" else " and the data is fresh."))
    return 1 if problems else 0


def cmd_dictionary(args) -> int:
    from etl.records import docs, need_docs
    from etl.warehouse import dictionary

    target = config.DATA_DIR / "README.md"
    if args.check:
        stale = [f"{target} is out of date with etl/warehouse/schema.sql"] if not dictionary.is_current(target) else []
        if not docs.is_current():
            stale.append(f"{docs.README} or {docs.TEMPLATE} is out of date with the record's fields")
        if not need_docs.is_current():
            stale.append(f"{need_docs.README} or {need_docs.TEMPLATE} is out of date with the need's fields")
        for line in stale:
            print(f"{line}: run python -m etl dictionary", file=sys.stderr)
        if not stale:
            print(f"{target} documents every table and column of the schema; {docs.README} every record field; "
                  f"{need_docs.README} every need field.")
        return 1 if stale else 0
    dictionary.write(target)
    docs.write()
    need_docs.write()
    print(f"Data dictionary written to {target}; record fields to {docs.README} and {docs.TEMPLATE}; need fields to "
          f"{need_docs.README} and {need_docs.TEMPLATE}")
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH",
                        help="warehouse file (default: $DSA_DB, else data/warehouse.duckdb)")
    p = argparse.ArgumentParser(prog="python -m etl", description="Build and inspect the Assembly Insights warehouse.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    d = sub.add_parser("demo", parents=[common], help="build the deterministic demo warehouse")
    d.add_argument("--scale", choices=("assembly", "nhs"), default="assembly",
                   help="assembly: the Assembly's teams and projects, telling a story (default); nhs: all NHS "
                        "data-science work, for capacity and speed checks (40 teams, 3,000 people, 5,000 "
                        "repositories, 1,000,000 commits, 500 projects)")
    d.set_defaults(func=cmd_demo)
    r = sub.add_parser("refresh", parents=[common], help="load GitHub organisations and repositories (incremental)")
    r.add_argument("--config", metavar="FILE", help="sources file (default: $DSA_CONFIG, else sources.yml if present)")
    r.add_argument("--org", action="append", metavar="ORG", help="also load this GitHub organisation (repeatable)")
    r.add_argument("--repo", action="append", metavar="OWNER/NAME", help="also load this repository (repeatable)")
    r.add_argument("--git", action="append", metavar="PATH", help="also load this local clone, or the clones in this "
                                                                   "folder (repeatable; works offline)")
    r.add_argument("--full", action="store_true", help="reload everything instead of only what changed")
    r.add_argument("--time-limit", type=float, metavar="MINUTES",
                   help="fetch no further repository after this many minutes; the rest keep their previous data "
                        "(a partial run, exit 3) and are fetched next time")
    r.add_argument("--confirm-removals", action="store_true",
                   help="a large removal is expected (e.g. an organisation cleaned up): `etl status` does not flag "
                        "this run for removing more than DSA_MAX_REMOVED_SHARE of the repositories")
    r.set_defaults(func=cmd_refresh)
    c = sub.add_parser("check", help="validate project records, needs, teams, taxonomy and radar without loading")
    c.add_argument("--records", metavar="DIR", help="folder of project records (default data/projects)")
    c.add_argument("--needs", metavar="DIR", help="folder of needs (default: needs beside the records, data/needs)")
    c.add_argument("--teams", metavar="FILE", help="teams file (default data/teams.yml)")
    c.add_argument("--taxonomy", metavar="FILE", help="package taxonomy (default data/taxonomy.yml)")
    c.add_argument("--radar", metavar="FILE", help="tech radar (default data/radar.yml)")
    c.set_defaults(func=cmd_check)
    rec = sub.add_parser("records", help="import a register, or load the records").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    ri = rec.add_parser("import", help="write one record file per row of a CSV/XLSX register")
    ri.add_argument("register", metavar="REGISTER.xlsx|.csv")
    ri.add_argument("--of", choices=("projects", "needs"), default="projects",
                    help="what the register lists, one per row: projects (default) or needs")
    ri.add_argument("--out", metavar="DIR", help="where to write the records (default data/projects, or for needs "
                                                 "the needs folder beside --records: data/needs)")
    ri.add_argument("--records", metavar="DIR", help="folder of project records the needs may name (with --of "
                                                     "needs; default data/projects)")
    ri.add_argument("--teams", metavar="FILE", help="teams file (default data/teams.yml)")
    ri.add_argument("--force", action="store_true", help="replace record files that already exist")
    ri.set_defaults(func=cmd_records_import)
    rl = rec.add_parser("load", parents=[common], help="load the records, needs and teams into the warehouse")
    rl.add_argument("--records", metavar="DIR", help="folder of project records (default data/projects)")
    rl.add_argument("--needs", metavar="DIR", help="folder of needs (default: needs beside the records, data/needs)")
    rl.add_argument("--teams", metavar="FILE", help="teams file (default data/teams.yml)")
    rl.set_defaults(func=cmd_records_load)
    s = sub.add_parser("status", parents=[common], help="print the last runs and row counts")
    s.add_argument("--runs", type=int, default=5, help="how many runs to list (default 5)")
    s.set_defaults(func=cmd_status)
    d = sub.add_parser("dictionary", parents=[common], help="write the data dictionaries: warehouse and record fields")
    d.add_argument("--check", action="store_true", help="only check that data/README.md and "
                                                         "data/projects/README.md are current")
    d.set_defaults(func=cmd_dictionary)
    sc = sub.add_parser("schedule", parents=[common], help="refresh on a schedule as a long-running process")
    sc.add_argument("--every", required=True, metavar="INTERVAL", help="e.g. 6h, 30m, 1d (from the start of each run)")
    sc.add_argument("--config", metavar="FILE", help="sources file (default: $DSA_CONFIG, else sources.yml if present)")
    sc.add_argument("--org", action="append", metavar="ORG", help="also load this GitHub organisation (repeatable)")
    sc.add_argument("--repo", action="append", metavar="OWNER/NAME", help="also load this repository (repeatable)")
    sc.add_argument("--git", action="append", metavar="PATH", help="also load this local clone or folder of clones")
    sc.add_argument("--max-runs", type=int, metavar="N", help="stop after N runs (default: run until stopped)")
    sc.set_defaults(func=cmd_schedule, full=False)
    rp = sub.add_parser("report", parents=[common], help="write the annual report (HTML, and PDF with --pdf)")
    rp.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD",
                    help="first day (default: 1 April of the last complete financial year)")
    rp.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD",
                    help="last day (default: 31 March ending the last complete financial year)")
    rp.add_argument("--out", required=True, metavar="FILE.html")
    rp.add_argument("--pdf", metavar="FILE.pdf", help="also print it to PDF with Chromium")
    rp.set_defaults(func=cmd_report)
    cs = sub.add_parser("case-study", parents=[common], help="write a project's one-page case study")
    cs.add_argument("project", metavar="PROJECT_ID")
    cs.add_argument("--out", required=True, metavar="FILE.html")
    cs.add_argument("--pdf", metavar="FILE.pdf", help="also print it to PDF with Chromium")
    cs.set_defaults(func=cmd_case_study)
    x = sub.add_parser("export", parents=[common], help="write every table as Parquet with a schema file")
    x.add_argument("--parquet", required=True, metavar="DIR", help="folder to write (replaced whole if it holds an "
                                                                   "earlier export)")
    x.set_defaults(func=cmd_export)
    k = sub.add_parser("person-key", help="print the person key of logins or e-mail addresses (for aliases)")
    k.add_argument("identifiers", nargs="+", metavar="LOGIN|EMAIL")
    k.set_defaults(func=cmd_person_key)
    return p


def cmd_schedule(args) -> int:
    from etl import schedule

    try:
        every = schedule.parse_interval(args.every)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    log.info("refreshing %s every %s (Ctrl+C or SIGTERM stops)", config.db_path(args.db), args.every)
    schedule.run(lambda: cmd_refresh(args), every, max_runs=args.max_runs)
    return 0


def _write_report(make, args) -> int:
    """`make(publish.report, con)` written to --out (and --pdf); the warehouse and the outputs are
    checked first, so a mistake in either is found before the work."""
    from etl import warehouse

    path = config.db_path(args.db)
    warehouse.examine(path)  # none, not a warehouse, damaged, another schema: one line, exit 2
    unwritable = next(filter(None, (_cannot_write(p) for p in (args.out, args.pdf) if p)), None)
    if unwritable:
        log.error("%s", unwritable)
        return 2
    from publish import printing, report

    con = warehouse.open_read_only(path)
    try:
        made = make(report, con)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    finally:
        con.close()
    out = Path(args.out)
    try:
        out.write_text(made.html, encoding="utf-8")
    except OSError as exc:
        log.error("%s cannot be written: %s", out, exc.strerror or exc)
        return 2
    log.info("%s written to %s (%s bytes)", made.title, out, f"{out.stat().st_size:,}")
    if args.pdf:
        try:
            Path(args.pdf).write_bytes(made.pdf())
        except (printing.NoBrowser, RuntimeError) as exc:
            log.error("%s", exc)
            return 2
        except OSError as exc:
            log.error("%s cannot be written: %s", args.pdf, exc.strerror or exc)
            return 2
        log.info("PDF written to %s", args.pdf)
    return 0


def _cannot_write(name: str) -> str | None:
    """Why the file `name` cannot be written (its folder is made if missing), or None."""
    path = Path(name)
    if path.is_dir():
        return f"{path} is a folder; give a file name, e.g. {path / 'report.html'}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = config.unmakeable(path.parent, exc)
        return f"{path} cannot be written: its folder {path.parent} cannot be made ({why})"
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"{path} cannot be written: this user may not write {path if path.exists() else path.parent}"
    return None


def cmd_report(args) -> int:
    return _write_report(lambda report, con: report.annual(con, args.date_from, args.date_to), args)


def cmd_case_study(args) -> int:
    return _write_report(lambda report, con: report.case_study(con, args.project), args)


def cmd_export(args) -> int:
    from etl.warehouse import export

    path = config.db_path(args.db)
    try:
        counts = export.parquet(path, Path(args.parquet))
    except export.ExportError as exc:
        log.error("%s", exc)
        return 2
    log.info("exported %d tables (%s rows) from %s to %s", len(counts), f"{sum(counts.values()):,}", path, args.parquet)
    return 0


def cmd_person_key(args) -> int:
    from etl.shared import identity

    salt = identity.load_salt()
    for value in args.identifiers:
        key = identity.key_for_email(value, salt) if "@" in value else identity.key_for_login(value, salt)
        print(key)  # the key only: the address given is not echoed, so it stays out of logs
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code: 0 done, 1 a check found problems (check, status,
    dictionary --check, records) or a bug (with its traceback), 2 nothing done, with one line
    saying why (a user, configuration or input error), 3 partial (refresh)."""
    redaction.install_logging(logging.INFO, "%(asctime)s %(levelname)s %(message)s")  # every line redacted
    args = parser().parse_args(argv)
    problems = config.startup_problems()
    for problem in problems:
        log.error("%s", problem)
    if problems:
        return 2
    from etl import warehouse

    try:
        return args.func(args)
    except (warehouse.WarehouseError, warehouse.Unreadable, config.SettingError) as exc:
        log.error("%s", exc)
        return 2
    except duckdb.Error as exc:
        if not warehouse.is_damage(exc):
            raise  # a bug: its traceback, exit 1
        # damage where the first look at the warehouse (warehouse.examine) did not reach, or another file
        path = config.db_path(getattr(args, "db", None))
        other_file = isinstance(exc, duckdb.IOException) and str(path) not in str(exc)
        log.error("%s", str(exc).splitlines()[0] if other_file else warehouse.damaged(path, exc))
        return 2


if __name__ == "__main__":
    sys.exit(main())
