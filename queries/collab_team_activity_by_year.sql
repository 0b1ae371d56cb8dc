-- Each team's commits in each financial year (April to March) of a span, counted by the team its people were in: collab_team_activity year by year.
-- SET VARIABLE date_from = DATE '2016-04-01';  -- first day of the first financial year (an April 1st)
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day counted

SELECT
    make_date(year(c.authored_at - INTERVAL 3 MONTH), 4, 1) AS year_start,
    t.team_id,
    t.short_name AS team,
    count(DISTINCT c.person_key) AS people,
    count(*) FILTER (WHERE c.role = 'author') AS commits
FROM contributions c
JOIN teams t ON t.team_id = c.team_id
WHERE c.authored_at >= getvariable('date_from')
  AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
GROUP BY ALL
ORDER BY year_start, commits DESC;
