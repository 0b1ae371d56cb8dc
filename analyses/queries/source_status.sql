-- Each source's latest run and latest success: is every source being refreshed?
SELECT
    source,
    arg_max(status, started_at) AS last_status,
    max(finished_at) AS last_run,
    max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success,
    count(*) AS runs,
    count(*) FILTER (WHERE status = 'failed') AS failed,
    count(*) FILTER (WHERE status = 'partial') AS partial,
    arg_max(message, started_at) AS last_message
FROM etl_runs
GROUP BY source
ORDER BY last_run DESC;
