-- Commits and active contributors per month for each team owning the repositories (bots left out).
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team

WITH human_commits AS (
    SELECT *
    FROM commit_activity
    WHERE NOT is_bot                                                   -- people analytics leave bots out
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY       -- date_to is inclusive
      AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), repo_team_id))
)
SELECT
    month,
    coalesce(repo_team_id, 'unmapped') AS team_id,
    coalesce(t.short_name, 'No team') AS team,
    count(*) AS commits,
    count(DISTINCT person_key) AS contributors
FROM human_commits
LEFT JOIN teams t ON t.team_id = human_commits.repo_team_id
GROUP BY ALL
ORDER BY month, team;
