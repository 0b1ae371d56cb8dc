"""The git source: repositories read from local clones (GitLab, Azure DevOps, internal servers,
or GitHub without a token) through the `git` command line, with no network.

- fetch.py    git output in, plain data out (clones found at any depth, names, commits, tags,
              tree, file texts), always offline: a partial clone's absent blobs are never fetched
- rows.py     plain data in, warehouse rows out (repositories, commits, co-authors, releases, the
              person keys that share an author name); languages and dependencies come from
              etl.shared.contents, shared with the GitHub source
- state.py    the incremental cursor (table git_repo_state, and a shallow clone's cut) and what
              is carried over between runs
- refresh.py  the source's part of `python -m etl refresh`: find, name, compare with the cursor,
              read what changed, save; every skip and problem counted (outcome.git) and reported

Everything lands in the same tables as the GitHub source; people are keyed from their e-mail
address, as the clone's .mailmap maps it, exactly as the GitHub source keys an address
(etl.shared.people).
"""
