"""Reference data authored by the Assembly, kept in git and loaded into every warehouse build:
the package taxonomy (taxonomy.py, data/taxonomy.yml) and the curated tech radar (radar.py,
data/radar.yml). Their shared error and helpers are in reading.py."""
from etl import db
from etl.reference import radar, taxonomy
from etl.warehouse import load


def save(con) -> None:
    """Replace the reference tables with the current files' content."""
    for rows in (taxonomy.rows(), radar.rows()):  # paths read at call time: tests point them elsewhere
        for table, batch in rows.items():
            db.run(con, f'DELETE FROM "{table}"')
            load.save_rows(con, table, batch)
