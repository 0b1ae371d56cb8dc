-- One row per project: the furthest pathway stage it had reached by date_to, its lead team and start year.
-- SET VARIABLE date_to = DATE '2026-09-30';    -- the day progress is measured on
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner); empty means every team

WITH chosen AS (
    SELECT DISTINCT project_id
    FROM project_teams
    WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
),
reached AS (                                                           -- paused/retired are not pathway progress
    SELECT s.project_id, max(st.ordinal) AS reached_ordinal
    FROM project_stages s JOIN stages st USING (stage)
    WHERE s.entered_on <= getvariable('date_to') AND st.phase <> 'closed'
    GROUP BY s.project_id
),
current AS (
    SELECT project_id, arg_max(stage, entered_on) AS stage_on_day
    FROM project_stages
    WHERE entered_on <= getvariable('date_to')
    GROUP BY project_id
)
SELECT
    p.project_id,
    p.title,
    o.lead_team,
    year(p.started_on) AS start_year,
    r.reached_ordinal,
    st.stage AS reached_stage,
    cur.stage_on_day
FROM projects p
JOIN chosen USING (project_id)
JOIN project_overview o USING (project_id)
JOIN reached r USING (project_id)
JOIN stages st ON st.ordinal = r.reached_ordinal
JOIN current cur USING (project_id)
ORDER BY p.started_on;
