-- Who uses a package: the teams, repositories and projects that depend on it, with recent activity, to find expertise.
-- SET VARIABLE package = 'pandas';             -- the package
-- SET VARIABLE as_of = DATE '2026-09-30';      -- end of the 12 months of activity shown

WITH recent AS (
    SELECT full_name, count(*) AS commits_12m, count(DISTINCT person_key) AS people_12m
    FROM commit_activity
    WHERE NOT is_bot
      AND authored_at >= getvariable('as_of') - INTERVAL 12 MONTH
      AND authored_at < getvariable('as_of') + INTERVAL 1 DAY
    GROUP BY full_name
),
projects_of AS (
    SELECT pr.full_name, string_agg(p.title, '; ' ORDER BY p.title) AS projects
    FROM project_repos pr JOIN projects p USING (project_id)
    GROUP BY pr.full_name
)
SELECT
    coalesce(t.short_name, 'No team') AS team,
    u.full_name,
    u.ecosystem,
    string_agg(DISTINCT coalesce(u.version_spec, 'any version'), '; ') AS versions,
    bool_or(u.inferred) AS inferred,
    po.projects,
    coalesce(max(recent.commits_12m), 0) AS commits_12m,
    coalesce(max(recent.people_12m), 0) AS people_12m,
    max(w.last_commit) AS last_commit
FROM package_usage u
LEFT JOIN teams t USING (team_id)
LEFT JOIN recent USING (full_name)
LEFT JOIN projects_of po USING (full_name)
LEFT JOIN repo_activity_windows w USING (full_name)
WHERE u.package = getvariable('package')
GROUP BY ALL
ORDER BY commits_12m DESC, team, u.full_name;
