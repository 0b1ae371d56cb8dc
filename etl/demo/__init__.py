"""Generated warehouses: the deterministic demo, and the NHS-scale one for capacity checks.

- settings.py      the snapshot, commit window, seed and salt, and where the demo's files are
- files.py         data/demo/: teams and project records through the real loaders and checks,
                   and repositories.yml (the generator's hints about each repository)
- people.py        synthetic people, their dated memberships, and identity cases
- repositories.py  repositories from the records and hints: languages, dependencies, metadata
- commits.py       contributors, commits, bots, co-authors and releases
- build.py         generate() (every row as plain dicts) and build_demo() (written through the
                   loader); the demo's public names
- nhs_scale.py     an NHS-sized warehouse for benchmarks and capacity checks
"""
