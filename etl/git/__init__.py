"""The git source: repositories read from local clones (GitLab, Azure DevOps, internal servers,
or GitHub without a token) through the `git` command line, with no network.

- fetch.py    git output in, plain data out (clones found, names, commits, tags, tree, file texts)
- rows.py     plain data in, warehouse rows out (repositories, commits, co-authors, releases);
              languages and dependencies come from etl.shared.contents, shared with the GitHub source
- state.py    the incremental cursor (table git_repo_state) and what is carried over between runs
- refresh.py  the source's part of `python -m etl refresh`: find, compare with the cursor, read
              what changed, save

Everything lands in the same tables as the GitHub source; people are keyed from their e-mail
address exactly as the GitHub source keys an address (etl.shared.people).
"""
