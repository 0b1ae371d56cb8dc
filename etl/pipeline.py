"""What every build of the warehouse ends with, whichever source made it: the reference data
kept in git (taxonomy, radar), the derived tables, and the analyses stored per period.

Sources build through `pipeline.build`, which is `warehouse.build` with these steps."""
from __future__ import annotations

from pathlib import Path

from analyses import stored
from etl import reference, warehouse
from etl.db import run

# Derived tables and the views that compute them: filled by every build after the data is in,
# so that pages read a table rather than re-running the rules behind it on every query.
DERIVED = {"people_counted": "person_identity", "contributions": "contribution_attribution"}


def derive(b: warehouse.Build) -> None:
    """Load the reference data, fill the derived tables, store the analyses per period."""
    reference.save(b.con)
    for table, view in DERIVED.items():
        run(b.con, f'DELETE FROM "{table}"')
        run(b.con, f'INSERT INTO "{table}" BY NAME SELECT * FROM "{view}"')
    stored.fill(b.con, b.data_as_of.date())


def build(path: Path, source: str, **options):
    """warehouse.build(path, source, **options), ending with `derive`."""
    return warehouse.build(path, source, derive=derive, **options)
