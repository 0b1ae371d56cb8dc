"""The GitHub source: organisations and repositories read through PyGithub.

- client.py   builds the PyGithub client from the environment (GITHUB_API_URL, GITHUB_TOKEN),
              counts requests, retries 5xx, secondary rate limits and failed connections (bounded),
              says network trouble in one line, keeps the token out of logs; GraphQL while it serves
- fetch.py    fetch_* functions: network in, GitHub's JSON out as plain dicts (files through
              GraphQL, or REST when GraphQL is missing or refuses)
- rows.py     plain dicts in, warehouse rows out (repositories, commits, co-authors, releases);
              languages and dependencies come from etl.shared.contents, shared with the git source
- state.py    the incremental cursor (table github_repo_state) and what is carried over between
              runs: moved on a rename, copied back for what a full run does not refresh
- outcome.py  what a run did and why it stopped: kept, skipped, removed, moved; failures by cause
- refresh.py  the `python -m etl refresh` command: list, match with the previous warehouse
              (renamed, gone, kept), fetch what changed, save through the loader (and the git
              source's part, etl.git.refresh)

Incremental cursor: a repository listed with the same `pushed_at` as last time costs no
request beyond the organisation listing. A changed one fetches its languages, the commits
reachable from the new head but not from the old one (GitHub's compare; so commits merged
in from long-lived branches are found), its releases and tags, and its manifests if the
root tree changed. A rewritten history (force push) reloads that repository's commits.
"""
