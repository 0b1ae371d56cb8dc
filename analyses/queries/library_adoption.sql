-- Which teams use which libraries: repositories active in the period that depend on each package, for the most widely used packages.
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team
-- SET VARIABLE category = '';                  -- a taxonomy category; empty means all
-- SET VARIABLE max_packages = 30;              -- how many packages, most widely used first

WITH active AS (
    SELECT DISTINCT full_name
    FROM commit_activity
    WHERE NOT is_bot
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY
),
usage AS (
    SELECT u.*
    FROM package_usage u JOIN active USING (full_name)
    WHERE (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), u.team_id))
      AND (getvariable('category') = '' OR u.category = getvariable('category'))
),
top_packages AS (                                                      -- breadth first: teams, then repositories
    SELECT package, ecosystem, any_value(category) AS category
    FROM usage
    GROUP BY ALL
    ORDER BY count(DISTINCT team_id) DESC, count(DISTINCT full_name) DESC, package
    LIMIT getvariable('max_packages')
)
SELECT
    coalesce(t.short_name, 'No team') AS team,
    u.package,
    u.ecosystem,
    tp.category,
    count(DISTINCT u.full_name) AS repositories
FROM usage u
JOIN top_packages tp USING (package, ecosystem)
LEFT JOIN teams t USING (team_id)
GROUP BY ALL
ORDER BY u.package, team;
