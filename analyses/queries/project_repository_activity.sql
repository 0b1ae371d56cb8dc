-- One project's repositories on any host, with activity in the 12 months to as_of for those the ETL loads (bots left out).
-- SET VARIABLE project_id = '';                -- the project to show
-- SET VARIABLE as_of = DATE '2026-09-30';      -- end of the 12 months

WITH recent AS (
    SELECT c.full_name, count(*) AS commits, count(DISTINCT c.person_key) AS contributors, max(c.authored_at) AS last_commit
    FROM commit_activity c
    WHERE NOT c.is_bot                                                   -- people analytics leave bots out
      AND c.authored_at >= getvariable('as_of') - INTERVAL 12 MONTH
      AND c.authored_at < getvariable('as_of') + INTERVAL 1 DAY
    GROUP BY c.full_name
)
SELECT
    pr.full_name,
    pr.host,
    coalesce(r.html_url, pr.url) AS url,
    r.full_name IS NOT NULL AS loaded,
    r.primary_language,
    r.stars,
    r.license,
    r.archived,
    coalesce(recent.commits, 0) AS commits_12m,
    coalesce(recent.contributors, 0) AS contributors_12m,
    recent.last_commit
FROM project_repos pr
LEFT JOIN repositories r USING (full_name)
LEFT JOIN recent USING (full_name)
WHERE pr.project_id = getvariable('project_id')
ORDER BY commits_12m DESC, pr.full_name;
