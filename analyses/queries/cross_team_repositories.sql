-- Repositories with contributors from two or more teams in the period (teams that have since merged count as one): who owns them, which teams worked in them, and how much came from outside.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; repositories owned by or worked on by any of them (empty means all)

WITH now AS (                                                          -- the team carrying on each team's work at the end of the period
    SELECT team_id, effective_team_id FROM team_successions
    WHERE getvariable('date_to') >= from_date AND (to_date IS NULL OR getvariable('date_to') < to_date)
),
work AS (
    SELECT c.full_name, c.person_key, nt.effective_team_id AS team_id, nr.effective_team_id AS repo_team_id,
           t.short_name AS team
    FROM contributions c
    JOIN now nt ON nt.team_id = c.team_id
    LEFT JOIN now nr ON nr.team_id = c.repo_team_id
    JOIN teams t ON t.team_id = nt.effective_team_id
    WHERE c.authored_at >= getvariable('date_from')
      AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
),
per_repo AS (
    SELECT
        full_name,
        any_value(repo_team_id) AS repo_team_id,
        count(DISTINCT team_id) AS teams,
        string_agg(DISTINCT team, ', ' ORDER BY team) AS contributing_teams,
        list(DISTINCT team_id) AS team_ids,
        count(DISTINCT person_key) AS people,
        count(DISTINCT person_key) FILTER (WHERE team_id IS DISTINCT FROM repo_team_id) AS people_from_outside,
        count(*) AS contributions,
        count(*) FILTER (WHERE team_id IS DISTINCT FROM repo_team_id) AS contributions_from_outside
    FROM work
    GROUP BY full_name
)
SELECT
    p.full_name,
    coalesce(o.short_name, 'No team') AS owner,
    p.teams,
    p.contributing_teams,
    p.people,
    p.people_from_outside,
    p.contributions,
    round(100.0 * p.contributions_from_outside / p.contributions, 1) AS outside_share_pct,
    pr.projects
FROM per_repo p
LEFT JOIN teams o ON o.team_id = p.repo_team_id
LEFT JOIN (SELECT r.full_name, string_agg(x.title, '; ' ORDER BY x.title) AS projects
           FROM project_repos r JOIN projects x USING (project_id) GROUP BY r.full_name) pr USING (full_name)
WHERE p.teams >= 2
  AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), p.repo_team_id)
       OR len(list_intersect(getvariable('teams'), p.team_ids)) > 0)
ORDER BY p.teams DESC, p.people_from_outside DESC, p.full_name;
