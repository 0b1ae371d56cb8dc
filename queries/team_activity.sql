-- Activity in the period by the team owning the repositories (bots left out): commits, contributors,
-- active repositories and commits in each month of the period (zeros included).
-- One row for all the chosen teams together (place 0), one for each of the `top` busiest teams by
-- commits (place 1, 2, ...), and one for the rest together (place top + 1), when there are more.
-- `teams` counts the teams in a row; `unmapped` says whether it includes repositories no team owns.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team
-- SET VARIABLE top = 10;                       -- how many teams have a row of their own

WITH human_commits AS (
    SELECT full_name, person_key, month, coalesce(repo_team_id, 'unmapped') AS team_id
    FROM commit_activity
    WHERE NOT is_bot                                                   -- people analytics leave bots out
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY       -- date_to is inclusive
      AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), repo_team_id))
),
ranked AS (
    SELECT team_id, row_number() OVER (ORDER BY count(*) DESC, team_id) AS place
    FROM human_commits
    GROUP BY team_id
),
placed AS (
    SELECT least(r.place, getvariable('top') + 1) AS place, h.*
    FROM human_commits h
    JOIN ranked r USING (team_id)
),
totals AS (
    SELECT
        coalesce(place, 0) AS place,
        count(DISTINCT team_id) FILTER (WHERE team_id <> 'unmapped') AS teams,
        bool_or(team_id = 'unmapped') AS unmapped,
        CASE WHEN count(DISTINCT team_id) = 1 THEN any_value(team_id) END AS team_id,
        count(*) AS commits,
        count(DISTINCT person_key) AS contributors,
        count(DISTINCT full_name) AS repositories
    FROM placed
    GROUP BY GROUPING SETS ((place), ())
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM range(date_trunc('month', getvariable('date_from')),
               date_trunc('month', getvariable('date_to')) + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m)
),
by_month AS (
    SELECT coalesce(place, 0) AS place, month, count(*) AS commits
    FROM placed
    GROUP BY GROUPING SETS ((place, month), (month))
),
series AS (
    SELECT t.place, list(m.month ORDER BY m.month) AS months, list(coalesce(b.commits, 0) ORDER BY m.month) AS monthly
    FROM totals t
    CROSS JOIN months m
    LEFT JOIN by_month b ON b.place = t.place AND b.month = m.month
    GROUP BY t.place
)
SELECT
    t.place,
    CASE WHEN t.place BETWEEN 1 AND getvariable('top') THEN t.team_id END AS team_id,
    CASE WHEN t.place BETWEEN 1 AND getvariable('top') THEN coalesce(tm.short_name, 'No team') END AS team,
    t.teams,
    coalesce(t.unmapped, false) AS unmapped,
    t.commits,
    t.contributors,
    t.repositories,
    s.months,
    s.monthly
FROM totals t
JOIN series s USING (place)
LEFT JOIN teams tm ON tm.team_id = t.team_id
ORDER BY t.place;
