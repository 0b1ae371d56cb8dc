-- The latest successful run: when the data was taken, when it was built, and whether it is demo data.
SELECT
    r.run_id,
    r.source,
    r.data_as_of,
    r.finished_at,
    coalesce((SELECT value FROM warehouse_meta WHERE key = 'contents'), 'live') AS contents,
    (SELECT min(authored_at) FROM commits) AS first_commit_at
FROM etl_runs r
WHERE r.status = 'succeeded'
ORDER BY r.finished_at DESC
LIMIT 1;
