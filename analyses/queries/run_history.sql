-- Every ETL run, newest first: outcome, duration, what it loaded and the GitHub API budget it left.
-- SET VARIABLE max_runs = 200;                 -- how many runs to list

SELECT
    started_at,
    source,
    status,
    date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds,
    repos_seen,
    repos_changed,
    commits_added,
    repos_kept,
    repos_skipped,
    repos_removed,
    api_requests,
    rate_limit_remaining,
    data_as_of,
    message
FROM etl_runs
ORDER BY started_at DESC
LIMIT getvariable('max_runs');
