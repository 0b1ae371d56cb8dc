-- Repositories active each quarter by their main language (bots left out).
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team

SELECT
    CAST(date_trunc('quarter', c.authored_at) AS DATE) AS quarter,
    coalesce(r.primary_language, 'Unknown') AS language,
    count(DISTINCT c.full_name) AS repositories
FROM commit_activity c
JOIN repositories r USING (full_name)
WHERE NOT c.is_bot
  AND c.authored_at >= getvariable('date_from')
  AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
  AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), c.repo_team_id))
GROUP BY ALL
ORDER BY quarter, repositories DESC, language;
