-- Knowledge concentration: for each repository or project, the fewest people who made at least half of the commits in the 12 months to as_of (the bus factor).
-- SET VARIABLE as_of = DATE '2026-09-30';      -- end of the 12 months measured
-- SET VARIABLE scope = 'repository';           -- 'repository' or 'project'
-- SET VARIABLE teams = []::VARCHAR[];          -- owning (or lead) team_ids to include; empty means all

WITH recent AS (                                                       -- commits authored by people (not bots)
    SELECT full_name, person_key
    FROM contributions
    WHERE role = 'author'
      AND authored_at >= getvariable('as_of') - INTERVAL 12 MONTH
      AND authored_at < getvariable('as_of') + INTERVAL 1 DAY
),
units AS (                                                             -- what is measured: a repository, or a project's repositories together
    SELECT r.full_name AS unit, r.full_name AS label, r.team_id, NULL AS stage, rc.person_key
    FROM recent rc JOIN repositories r USING (full_name)
    WHERE getvariable('scope') = 'repository'
    UNION ALL
    SELECT p.project_id, p.title, p.lead_team_id, p.current_stage, rc.person_key
    FROM recent rc JOIN project_repos pr USING (full_name) JOIN projects p USING (project_id)
    WHERE getvariable('scope') = 'project'
),
per_person AS (
    SELECT unit, any_value(label) AS label, any_value(team_id) AS team_id, any_value(stage) AS stage,
           person_key, count(*) AS commits
    FROM units GROUP BY unit, person_key
),
ranked AS (
    SELECT *,
           sum(commits) OVER (PARTITION BY unit) AS total,
           sum(commits) OVER (PARTITION BY unit ORDER BY commits DESC, person_key
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
    FROM per_person
)
SELECT
    unit,
    label,
    coalesce(t.short_name, 'No team') AS team,
    any_value(stage) AS stage,
    any_value(total) AS commits_12m,
    count(*) AS people_12m,
    count(*) FILTER (WHERE coalesce(before, 0) * 2 < total) AS bus_factor,
    round(100.0 * max(commits) / any_value(total), 1) AS top_person_share_pct,
    list(person_key ORDER BY commits DESC, person_key) FILTER (WHERE coalesce(before, 0) * 2 < total) AS key_people
FROM ranked
LEFT JOIN teams t USING (team_id)
WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
GROUP BY unit, label, t.short_name
ORDER BY bus_factor, commits_12m DESC, label;
