-- Links between pairs of teams in each financial year of a span, read from team_links_yearly (filled by every build); for trends.
-- SET VARIABLE date_from = DATE '2016-04-01';  -- first day of the first financial year
-- SET VARIABLE date_to = DATE '2026-09-30';    -- a day in the last financial year
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; links touching any of them (empty means all)

SELECT y.year_start, y.link, y.team_a_id, ta.short_name AS team_a, y.team_b_id, tb.short_name AS team_b, y.weight
FROM team_links_yearly y
JOIN teams ta ON ta.team_id = y.team_a_id
JOIN teams tb ON tb.team_id = y.team_b_id
WHERE y.year_start BETWEEN getvariable('date_from') AND getvariable('date_to')
  AND (len(getvariable('teams')) = 0
       OR list_contains(getvariable('teams'), y.team_a_id) OR list_contains(getvariable('teams'), y.team_b_id))
ORDER BY y.year_start, y.link, y.weight DESC, team_a, team_b;
