-- Each team's people and commits in each financial year of a span, read from team_activity_yearly (filled by every build); for trends.
-- SET VARIABLE date_from = DATE '2016-04-01';  -- first day of the first financial year
-- SET VARIABLE date_to = DATE '2026-09-30';    -- a day in the last financial year

SELECT y.year_start, y.team_id, t.short_name AS team, y.people, y.commits
FROM team_activity_yearly y
JOIN teams t USING (team_id)
WHERE y.year_start BETWEEN getvariable('date_from') AND getvariable('date_to')
ORDER BY y.year_start, y.commits DESC;
