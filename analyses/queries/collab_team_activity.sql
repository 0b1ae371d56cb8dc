-- Each team's own activity in the period, counted by the team its people were in: people, commits authored, repositories worked on.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period

SELECT
    t.team_id,
    t.short_name AS team,
    count(DISTINCT c.person_key) AS people,
    count(*) FILTER (WHERE c.role = 'author') AS commits,
    count(DISTINCT c.full_name) AS repositories,
    count(DISTINCT c.full_name) FILTER (WHERE c.repo_team_id IS DISTINCT FROM c.team_id) AS other_teams_repositories
FROM contributions c
JOIN teams t ON t.team_id = c.team_id
WHERE c.authored_at >= getvariable('date_from')
  AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
GROUP BY ALL
ORDER BY commits DESC, team;
