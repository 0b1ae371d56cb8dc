"""The portfolio source: project records (one YAML file per project under data/projects/) and
teams (data/teams.yml), checked whole and loaded together."""
from etl.records.record import *  # noqa: F401,F403  the record format's public names
from etl.records.record import (  # noqa: F401
                                DATA_ACCESS,
                                FIELDS,
                                GOVERNANCE_VALUES,
                                OUTPUT_KINDS,
                                REGISTER_COLUMNS,
                                TAG_CATEGORIES,
                                Problem,
                                RecordsError,
                                check,
                                import_register,
                                load_folder,
                                parse_repository,
                                parse_text,
                                to_yaml,
                                validate,
)
