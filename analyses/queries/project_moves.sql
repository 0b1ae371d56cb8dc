-- Projects that started, moved stage or went operational in the period: one row per stage entered, with the stage before.
-- SET VARIABLE date_from = DATE '2025-04-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-03-31';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner) to include; empty means every team

WITH history AS (
    SELECT s.project_id, s.stage, s.entered_on,
           lag(s.stage) OVER (PARTITION BY s.project_id ORDER BY s.entered_on) AS stage_before
    FROM project_stages s
)
SELECT
    p.project_id,
    p.title,
    t.short_name AS lead_team,
    h.entered_on,
    h.stage,
    st.label AS stage_label,
    h.stage_before,
    CASE WHEN h.stage_before IS NULL THEN 'started'
         WHEN st.phase = 'operational' THEN 'deployed'
         WHEN st.phase = 'closed' THEN 'stopped'
         ELSE 'advanced' END AS move
FROM history h
JOIN projects p USING (project_id)
JOIN teams t ON t.team_id = p.lead_team_id
JOIN stages st ON st.stage = h.stage
WHERE h.entered_on BETWEEN getvariable('date_from') AND getvariable('date_to')
  AND (len(getvariable('teams')) = 0 OR EXISTS (SELECT 1 FROM project_teams pt WHERE pt.project_id = p.project_id
                                                 AND list_contains(getvariable('teams'), pt.team_id)))
ORDER BY h.entered_on, p.title;
