-- When each team first used each of the most widely used libraries: the first commit of its earliest repository that depends on it.
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team
-- SET VARIABLE category = '';                  -- a taxonomy category; empty means all
-- SET VARIABLE max_packages = 15;              -- how many packages, most widely used first

WITH usage AS (
    SELECT u.*, coalesce(w.first_commit, r.created_at) AS repo_started
    FROM package_usage u
    JOIN repositories r USING (full_name)
    LEFT JOIN repo_activity_windows w USING (full_name)
    WHERE (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), u.team_id))
      AND (getvariable('category') = '' OR u.category = getvariable('category'))
      AND u.team_id IS NOT NULL
),
top_packages AS (
    SELECT package
    FROM usage
    GROUP BY package
    ORDER BY count(DISTINCT team_id) DESC, count(DISTINCT full_name) DESC, package
    LIMIT getvariable('max_packages')
)
SELECT
    t.short_name AS team,
    u.package,
    CAST(min(u.repo_started) AS DATE) AS first_used
FROM usage u
JOIN top_packages USING (package)
JOIN teams t USING (team_id)
GROUP BY ALL
ORDER BY u.package, first_used, team;
