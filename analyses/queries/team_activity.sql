-- Activity in the period by the team owning the repositories (bots left out): commits, contributors,
-- active repositories and commits in each month of the period (zeros included).
-- One row for all the chosen teams together (place 0), one for each of the `top` busiest teams by
-- commits (place 1, 2, ...), and one for the rest together (place top + 1), when there are more.
-- `teams` counts the teams in a row; `unmapped` says whether it includes repositories no team owns.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team
-- SET VARIABLE top = 10;                       -- how many teams have a row of their own

-- Commits are read once into three small summaries (per team and month; distinct people and
-- repositories per team), and the rows are counted from those: counting distinct people straight
-- from a million commits, grouped three ways, held several hundred MB.
WITH human_commits AS (
    SELECT full_name, person_key, month, coalesce(repo_team_id, 'unmapped') AS team_id
    FROM commit_activity
    WHERE NOT is_bot                                                   -- people analytics leave bots out
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY       -- date_to is inclusive
      AND (len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), repo_team_id))
),
team_months AS (
    SELECT team_id, month, count(*) AS commits FROM human_commits GROUP BY ALL
),
team_people AS (
    SELECT DISTINCT team_id, person_key FROM human_commits
),
team_repos AS (
    SELECT DISTINCT team_id, full_name FROM human_commits
),
placed AS (
    SELECT team_id, sum(commits) AS commits,
           least(row_number() OVER (ORDER BY sum(commits) DESC, team_id), getvariable('top') + 1) AS place
    FROM team_months
    GROUP BY team_id
),
totals AS (
    SELECT
        coalesce(place, 0) AS place,
        count(*) FILTER (WHERE team_id <> 'unmapped') AS teams,
        coalesce(bool_or(team_id = 'unmapped'), false) AS unmapped,
        CASE WHEN count(*) = 1 THEN any_value(team_id) END AS team_id,
        CAST(coalesce(sum(commits), 0) AS BIGINT) AS commits
    FROM placed
    GROUP BY GROUPING SETS ((place), ())
),
contributors AS (
    SELECT coalesce(p.place, 0) AS place, count(DISTINCT x.person_key) AS contributors
    FROM team_people x JOIN placed p USING (team_id)
    GROUP BY GROUPING SETS ((p.place), ())
),
repositories AS (
    SELECT coalesce(p.place, 0) AS place, count(DISTINCT x.full_name) AS repositories
    FROM team_repos x JOIN placed p USING (team_id)
    GROUP BY GROUPING SETS ((p.place), ())
),
months AS (
    SELECT CAST(m AS DATE) AS month
    FROM range(date_trunc('month', getvariable('date_from')),
               date_trunc('month', getvariable('date_to')) + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m)
),
by_month AS (
    SELECT coalesce(p.place, 0) AS place, tm.month, sum(tm.commits) AS commits
    FROM team_months tm JOIN placed p USING (team_id)
    GROUP BY GROUPING SETS ((p.place, tm.month), (tm.month))
),
series AS (
    SELECT t.place, list(m.month ORDER BY m.month) AS months,
           list(CAST(coalesce(b.commits, 0) AS BIGINT) ORDER BY m.month) AS monthly
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
    t.unmapped,
    t.commits,
    coalesce(c.contributors, 0) AS contributors,
    coalesce(r.repositories, 0) AS repositories,
    s.months,
    s.monthly
FROM totals t
JOIN series s USING (place)
LEFT JOIN contributors c USING (place)
LEFT JOIN repositories r USING (place)
LEFT JOIN teams tm ON tm.team_id = t.team_id
ORDER BY t.place;
