"""How pages read the warehouse: read-only, cached, and aware of refreshes.

The cache key of every result includes the warehouse file's identity (inode, mtime, size),
so when the ETL swaps in a new file the next page load reads it; sessions that were mid-way
keep the old file until they finish. Each query runs on a cursor of its own, because
Streamlit serves every session from its own thread.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

import pandas as pd
import streamlit as st

from analyses import queries, stored
from etl import config, warehouse
from etl.shared import redaction
from etl.warehouse import freshness


def warehouse_file() -> Path:
    """The warehouse the dashboard shows: `DSA_DB`, else data/warehouse.duckdb."""
    return config.db_path()


def version(path: Path) -> str:
    """Identity of the file now at `path`; changes whenever the ETL replaces it."""
    s = os.stat(path)
    return f"{s.st_ino}-{s.st_mtime_ns}-{s.st_size}"


def current_version() -> str:
    """version() of the warehouse the dashboard shows: an argument for caches of derived results."""
    return version(warehouse_file())


def frame_digest(frame: pd.DataFrame) -> bytes:
    """The cache key of a DataFrame passed to a cached function (see HASH_FUNCS).

    Streamlit hashes a DataFrame argument through pandas, value by value: about 4 ms a frame
    whatever its size, and from a sample of 10,000 rows once it has 50,000. Pages pass a dozen
    or more query results to the cached figure builders on every run, and that hashing was most
    of a warm page's time on the server. A digest of the frame's pickle takes about 0.2 ms and
    covers every value, the index, the column names and the dtypes: frames that differ never
    share a key. (Two equal frames built in different ways may not share one either; that costs
    a rebuild of the figure, never a wrong one.)
    """
    try:
        return hashlib.blake2b(pickle.dumps(frame, protocol=5), digest_size=20).digest()
    except (pickle.PicklingError, TypeError, AttributeError):  # a value pickle cannot take
        values = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
        return hashlib.blake2b(repr((frame.columns.tolist(), frame.dtypes.tolist())).encode() + values,
                               digest_size=20).digest()


HASH_FUNCS = {pd.DataFrame: frame_digest}  # for st.cache_data / st.cache_resource(hash_funcs=...)


def ensure_warehouse(path: Path) -> bool:
    """Build the demo warehouse if there is none yet; True if this call built it."""
    if path.exists():
        return False
    from etl.demo import build

    try:
        build.build_demo(path, wait=300, if_missing=True)
    except warehouse.AlreadyBuilt:
        return False
    return True


@st.cache_data(max_entries=4, show_spinner=False)
def _missing_tables(path: str, file_version: str) -> list[str]:
    return _on_reader(path, file_version, lambda cursor: warehouse.missing_tables(Path(path), cursor))


def missing_tables(path: Path) -> list[str]:
    """Tables this version needs that the warehouse at `path` lacks (built by an earlier version)."""
    return _missing_tables(str(path), version(path))


def rebuild_demo(path: Path) -> None:
    """Replace an outdated demo warehouse with a current one of the same scale."""
    from etl.demo import build, nhs_scale

    if warehouse.live_meta(path).get("demo_scale") == "nhs":
        nhs_scale.build(path, wait=300)
    else:
        build.build_demo(path, wait=300)


@st.cache_resource(max_entries=2, show_spinner=False)
def _reader(path: str, file_version: str):
    warehouse.examine(Path(path))  # once per file: Unreadable unless this version can read it
    return warehouse.open_read_only(Path(path))


def unreadable(path: Path) -> warehouse.Unreadable | None:
    """Why the dashboard cannot read the warehouse at `path`, in one line that says what to run
    (not a warehouse, damaged, or of another schema version); None when it can."""
    try:
        file_version = version(path)
    except OSError:  # no file: examine says so
        file_version = "none"
    try:
        _reader(str(path), file_version)
    except warehouse.Unreadable as exc:
        return exc
    return None


def _on_reader(path: str, file_version: str, work):
    """`work(cursor)` with a cursor of its own on the shared read-only view of this file."""
    cursor = warehouse.cursor(_reader(path, file_version))
    try:
        return work(cursor)
    finally:
        cursor.close()


@st.cache_data(max_entries=1000, show_spinner=False)
def _run(path: str, file_version: str, name: str, digest: str, params: tuple) -> pd.DataFrame:
    return _on_reader(path, file_version, lambda cursor: queries.run(cursor, name, **dict(params)))


def query(name: str, **params) -> pd.DataFrame:
    """Result of the named query in analyses/queries/ for these parameters (a copy; safe to change).
    Analyses the build stores for each reporting period (stored.BY_PERIOD) are read from
    their table when it holds the answer and the query is still the one that made it.
    Results are cached per warehouse file and per text of the query, so an edited query file
    shows at once."""
    path = warehouse_file()
    digest = queries.get(name).digest
    if name in stored.BY_PERIOD and {"date_from", "date_to"} <= set(params) <= {"date_from", "date_to", "teams"}:
        found = _stored(str(path), version(path), name, digest, params["date_from"], params["date_to"],
                        tuple(params.get("teams") or ()))
        if found is not None:
            return found
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _run(str(path), version(path), name, digest, frozen)


@st.cache_data(max_entries=1000, show_spinner=False)
def _stored(path: str, file_version: str, name: str, digest: str, date_from, date_to,
            teams: tuple) -> pd.DataFrame | None:
    return _on_reader(path, file_version,
                      lambda cursor: stored.read(cursor, name, date_from, date_to, teams))


def run_once():
    """A `query` for one run of a page that asks the cache once per query and parameters, so
    measures (analyses.metrics) read from the frames the page already has: each ask of
    Streamlit's cache copies the frame."""
    seen: dict[tuple, pd.DataFrame] = {}

    def run(name: str, **params) -> pd.DataFrame:
        key = (name, repr(sorted(params.items())))
        if key not in seen:
            seen[key] = query(name, **params)
        return seen[key]

    return run


def yearly(name: str, years: list, **params) -> pd.DataFrame:
    """What the named analysis gives in each of `years` (periods), one frame with a year_start
    column: read from the yearly table the build stored (stored.YEARLY) while the query is the one
    that made it, else run for each year."""
    path = warehouse_file()
    if _yearly_current(str(path), version(path), name, queries.get(name).digest):
        first, last = min(p.start for p in years), max(p.end for p in years)
        return query(stored.YEARLY[name], date_from=first, date_to=last, **params)
    frames = [query(name, date_from=p.start, date_to=p.end, **params).assign(year_start=pd.Timestamp(p.start))
              for p in years]
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"year_start": "datetime64[us]"})  # as the stored DATE column reads


@st.cache_data(max_entries=100, show_spinner=False)
def _yearly_current(path: str, file_version: str, name: str, digest: str) -> bool:
    return _on_reader(path, file_version, lambda cursor: stored.is_current(cursor, name))


def analyses_version(*names: str) -> str:
    """A cache key for results derived from these named analyses: the warehouse file's identity
    and the text of each query."""
    return current_version() + "".join(f"|{queries.get(n).digest}" for n in names)


def with_cursor(work):
    """`work(cursor)` on the current warehouse, read-only; for builders such as the report that
    run several queries of their own."""
    path = warehouse_file()
    return _on_reader(str(path), version(path), work)


@st.cache_data(max_entries=4, ttl=60, show_spinner=False)
def _freshness(path: str, file_version: str):
    return _on_reader(path, file_version, freshness.read)


def freshness_problems() -> list[str]:
    """Why the data may not be current (a failed last run, or live data older than allowed);
    redacted again (the ETL redacts what it stores), as every run message the pages show."""
    path = warehouse_file()
    clean = redaction.redactor()
    return [clean(p) for p in _freshness(str(path), version(path)).problems(freshness.utcnow())]


def redacted(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text value redacted (run messages, problem details), for display."""
    clean = redaction.redactor()
    out = frame.copy()
    for column in out.columns:
        texts = out[column].map(lambda v: isinstance(v, str))
        if texts.any():
            out[column] = out[column].map(lambda v: clean(v) if isinstance(v, str) else v)
    return out
