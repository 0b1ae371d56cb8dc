-- Newcomers and retention per team per quarter: people active for the team, those active for it for the first time, and those still active from the quarter before.
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team

WITH active AS (                                                       -- who worked for which team in which quarter
    SELECT DISTINCT team_id, person_key, CAST(date_trunc('quarter', authored_at) AS DATE) AS quarter
    FROM contributions
    WHERE team_id IS NOT NULL
),
firsts AS (
    SELECT team_id, person_key, min(quarter) AS first_quarter FROM active GROUP BY ALL
),
data_start AS (
    SELECT min(quarter) AS q FROM active
),
counted AS (
    SELECT
        a.team_id,
        a.quarter,
        count(*) AS active,
        count(*) FILTER (WHERE f.first_quarter = a.quarter) AS newcomers,
        count(*) FILTER (WHERE prev.person_key IS NOT NULL) AS stayed
    FROM active a
    JOIN firsts f USING (team_id, person_key)
    LEFT JOIN active prev ON prev.team_id = a.team_id AND prev.person_key = a.person_key
                         AND prev.quarter = a.quarter - INTERVAL 3 MONTH
    GROUP BY ALL
)
SELECT
    t.short_name AS team,
    c.quarter,
    c.active,
    CASE WHEN c.quarter > (SELECT q FROM data_start) THEN c.newcomers END AS newcomers,  -- the first quarter has no before
    c.stayed,
    p.active AS active_previous,
    round(100.0 * c.stayed / p.active, 1) AS retention_pct
FROM counted c
JOIN teams t USING (team_id)
LEFT JOIN counted p ON p.team_id = c.team_id AND p.quarter = c.quarter - INTERVAL 3 MONTH
WHERE c.quarter >= date_trunc('quarter', getvariable('date_from'))
  AND c.quarter <= getvariable('date_to')
  AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), c.team_id))
ORDER BY team, c.quarter;
