-- Every repository with its owning team, projects and activity in the period (bots left out), most active first.
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team

WITH period_commits AS (
    SELECT full_name, count(*) AS commits, count(DISTINCT person_key) AS contributors,
           max(authored_at) AS last_commit
    FROM commit_activity
    WHERE NOT is_bot                                                   -- people analytics leave bots out
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY       -- date_to is inclusive
    GROUP BY full_name
),
repo_projects AS (
    SELECT pr.full_name, string_agg(p.title, '; ' ORDER BY p.title) AS projects
    FROM project_repos pr JOIN projects p USING (project_id)
    GROUP BY pr.full_name
)
SELECT
    r.full_name,
    coalesce(t.short_name, 'No team') AS team,
    r.primary_language,
    coalesce(c.commits, 0) AS commits,
    coalesce(c.contributors, 0) AS contributors,
    c.last_commit,
    r.stars,
    r.license,
    r.archived,
    rp.projects,
    r.description,
    r.html_url
FROM repositories r
LEFT JOIN teams t USING (team_id)
LEFT JOIN period_commits c USING (full_name)
LEFT JOIN repo_projects rp USING (full_name)
WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), r.team_id)
ORDER BY commits DESC, r.full_name;
