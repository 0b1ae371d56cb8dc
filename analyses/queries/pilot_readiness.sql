-- Projects at pilot on date_to with the checks for handing over to operations, and their bus factor over the last 12 months.
-- SET VARIABLE date_to = DATE '2026-09-30';    -- the day the checklist is judged on
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner); empty means every team

WITH chosen AS (
    SELECT DISTINCT project_id
    FROM project_teams
    WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
),
pilots AS (
    SELECT s.project_id
    FROM project_stages s JOIN stages st USING (stage)
    WHERE s.entered_on <= getvariable('date_to')
    GROUP BY s.project_id
    HAVING arg_max(st.phase, s.entered_on) = 'pilot'                  -- the stage on the day is in the pilot phase
),
person_commits AS (                                                    -- commits per person per project, last 12 months,
    SELECT pr.project_id, c.person_key, count(*) AS n                  -- counted as bus_factor.sql counts them
    FROM project_repos pr
    JOIN contributions c USING (full_name)
    WHERE c.role = 'author'
      AND c.authored_at >= getvariable('date_to') - INTERVAL 12 MONTH
      AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
    GROUP BY ALL
),
ranked AS (
    SELECT project_id, n,
           sum(n) OVER (PARTITION BY project_id ORDER BY n DESC, person_key ROWS UNBOUNDED PRECEDING) AS running,
           sum(n) OVER (PARTITION BY project_id) AS total,
           row_number() OVER (PARTITION BY project_id ORDER BY n DESC, person_key) AS rank
    FROM person_commits
),
bus AS (                                                               -- fewest people making at least half the commits
    SELECT project_id, min(rank) AS bus_factor
    FROM ranked
    WHERE running * 2 >= total
    GROUP BY project_id
),
testing AS (                                                           -- a test framework among the dependencies
    SELECT DISTINCT pr.project_id
    FROM project_repos pr JOIN dependencies d USING (full_name)
    WHERE d.package IN ('pytest', 'testthat', 'jest', 'mocha', 'vitest', 'hypothesis', 'tox', 'nox', 'unittest2', 'nose2')
),
code AS (
    SELECT project_id FROM project_repos
    UNION SELECT project_id FROM project_outputs WHERE kind = 'code'
)
SELECT
    p.project_id,
    p.title,
    o.lead_team,
    p.operational_owner IS NOT NULL AS owner_named,
    p.project_id IN (SELECT project_id FROM code) AS code_published,
    p.project_id IN (SELECT project_id FROM testing) AS tests_present,
    coalesce(p.dpia IN ('done', 'not needed'), false) AS dpia_done,
    coalesce(p.aia IN ('done', 'not needed'), false) AS aia_done,
    coalesce(b.bus_factor, 0) AS bus_factor,
    coalesce(b.bus_factor, 0) > 1 AS bus_factor_above_1
FROM projects p
JOIN pilots USING (project_id)
JOIN chosen USING (project_id)
JOIN project_overview o USING (project_id)
LEFT JOIN bus b USING (project_id)
ORDER BY p.title;
