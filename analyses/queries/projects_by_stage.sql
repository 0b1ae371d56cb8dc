-- Projects by the stage they had reached at the end of the period, in pathway order (every stage listed, zero included).
-- SET VARIABLE date_to = DATE '2026-09-30';    -- the day the stages are counted on
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner) to include; empty means every team

WITH chosen_projects AS (
    SELECT DISTINCT project_id
    FROM project_teams
    WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
),
stage_on_day AS (                                                      -- latest stage entered by date_to
    SELECT project_id, arg_max(stage, entered_on) AS stage
    FROM project_stages
    WHERE entered_on <= getvariable('date_to')
      AND project_id IN (SELECT project_id FROM chosen_projects)
    GROUP BY project_id
)
SELECT
    s.stage,
    s.label,
    s.phase,
    s.ordinal,
    count(d.project_id) AS projects
FROM stages s
LEFT JOIN stage_on_day d USING (stage)
GROUP BY ALL
ORDER BY s.ordinal;
