-- Work flowing between teams in the period: people of each home team contributing to repositories each team owns (the same team included).
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; flows from or to any of them (empty means all)

SELECT
    c.team_id AS home_team_id,
    th.short_name AS home_team,
    c.repo_team_id,
    tr.short_name AS repo_team,
    count(DISTINCT c.person_key) AS people,
    count(*) AS contributions,
    count(DISTINCT c.person_key) FILTER (WHERE c.attribution = 'inferred') AS people_inferred
FROM contributions c
JOIN teams th ON th.team_id = c.team_id
JOIN teams tr ON tr.team_id = c.repo_team_id
WHERE c.authored_at >= getvariable('date_from')
  AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
  AND (len(getvariable('teams')) = 0
       OR list_contains(getvariable('teams'), c.team_id) OR list_contains(getvariable('teams'), c.repo_team_id))
GROUP BY ALL
ORDER BY contributions DESC, home_team, repo_team;
