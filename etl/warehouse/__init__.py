"""The warehouse: its shape (schema.sql, schema.py), how a new version is built beside the live
file and swapped in (build.py), how rows go in (load.py) and how readers open it (read.py).
Sources write through here; nothing here knows any source."""
from etl.warehouse.build import (
                                 AlreadyBuilt,
                                 Build,
                                 BusyError,
                                 WarehouseError,
                                 build,
                                 carry_over,
                                 lock_for,
                                 new_run_id,
                                 utcnow,
)
from etl.warehouse.read import REBUILD, Unreadable, cursor, damaged, examine, is_damage, live_meta, open_read_only
from etl.warehouse.schema import (
                                 STAGES,
                                 apply_schema,
                                 check_integrity,
                                 contract_tables,
                                 missing_tables,
                                 row_counts,
                                 table_names,
)

__all__ = ["AlreadyBuilt", "Build", "BusyError", "WarehouseError", "build", "carry_over", "lock_for", "new_run_id",
           "utcnow", "REBUILD", "Unreadable", "cursor", "damaged", "examine", "is_damage", "live_meta",
           "open_read_only", "STAGES", "apply_schema", "check_integrity", "contract_tables", "missing_tables",
           "row_counts", "table_names"]
