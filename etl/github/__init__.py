"""The GitHub source: organisations and repositories read through PyGithub.

- client.py   builds the PyGithub client from the environment (GITHUB_API_URL, GITHUB_TOKEN),
              counts requests, retries 5xx and secondary rate limits, keeps the token out of logs
- fetch.py    fetch_* functions: network in, GitHub's JSON out as plain dicts
- rows.py     plain dicts in, warehouse rows out (repositories, commits, co-authors, releases);
              languages and dependencies come from etl.shared.contents, shared with the git source
- state.py    the incremental cursor (table github_repo_state) and what is carried over between runs
- refresh.py  the `python -m etl refresh` command: list, compare with the cursor, fetch what
              changed, save through the loader (and the git source's part, etl.git.refresh)

Incremental cursor: a repository listed with the same `pushed_at` as last time costs no
request beyond the organisation listing. A changed one fetches its languages, the commits
reachable from the new head but not from the old one (GitHub's compare; so commits merged
in from long-lived branches are found), its releases and tags, and its manifests if the
root tree changed. A rewritten history (force push) reloads that repository's commits.
"""
