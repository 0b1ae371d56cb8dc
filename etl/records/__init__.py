"""The portfolio source: project records (one YAML file per project under data/projects/), needs
and the Assembly's positions (one YAML file per need under data/needs/) and teams
(data/teams.yml), checked whole and loaded together.

Import the module you need: fields (the record's schema), checks (one record), files (record
files and folders, `check`), spreadsheet (a register), yaml_writer (a record as YAML), docs (the
README's generated blocks), errors (Problem, RecordsError), addresses, teams, portfolio; for
needs, need_fields (the need's schema), needs (its checks, folders and rows), need_register (a
register of needs) and need_docs (data/needs/README.md's generated blocks).
"""
