-- Major versions of key libraries pinned by each team, and the newest major seen anywhere, to spot teams on old majors.
-- SET VARIABLE packages = ['pandas', 'numpy', 'scikit-learn', 'torch', 'matplotlib', 'sqlalchemy', 'pydantic'];  -- the libraries
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team

WITH pinned AS (
    SELECT u.*
    FROM package_usage u
    WHERE list_contains(getvariable('packages'), u.package)
      AND u.major_version IS NOT NULL                                  -- unpinned dependencies say nothing of the version
      AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), u.team_id))
),
newest AS (
    SELECT package, max(major_version) AS newest_major FROM package_usage
    WHERE list_contains(getvariable('packages'), package) GROUP BY package
)
SELECT
    p.package,
    coalesce(t.short_name, 'No team') AS team,
    p.major_version,
    n.newest_major,
    p.major_version < n.newest_major AS behind,
    count(DISTINCT p.full_name) AS repositories
FROM pinned p
JOIN newest n USING (package)
LEFT JOIN teams t USING (team_id)
GROUP BY ALL
ORDER BY p.package, team, p.major_version;
