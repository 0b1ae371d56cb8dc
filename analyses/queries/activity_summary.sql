-- Headline activity in a period: commits, active repositories, contributors and active teams (bots left out).
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
    count(*) AS commits,
    count(DISTINCT full_name) AS active_repositories,
    count(DISTINCT person_key) AS contributors,
    count(DISTINCT repo_team_id) AS active_teams
FROM human_commits;
