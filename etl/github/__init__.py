"""The GitHub source: organisations and repositories read through PyGithub.

- client.py   builds the PyGithub client from the environment (GITHUB_API_URL, GITHUB_TOKEN),
              counts requests, retries 5xx and secondary rate limits, keeps the token out of logs
- fetch.py    fetch_* functions: network in, plain dicts out (one per warehouse row)
- refresh.py  the `python -m etl refresh` command: list, compare with the incremental cursor
              (table github_repo_state), fetch what changed, save through the loader

Incremental cursor: a repository listed with the same `pushed_at` as last time costs no
request beyond the organisation listing. A changed one fetches its languages, the commits
reachable from the new head but not from the old one (GitHub's compare; so commits merged
in from long-lived branches are found), its releases and tags, and its manifests if the
root tree changed. A rewritten history (force push) reloads that repository's commits.
"""
