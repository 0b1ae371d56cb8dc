-- Projects started in the period, newest first, with their lead team and current stage.
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner) to include; empty means every team
-- SET VARIABLE max_rows = 10;                  -- how many projects to return

SELECT
    p.started_on,
    p.title,
    p.summary,
    p.lead_team,
    p.stage_label AS stage,
    p.repo_count AS repositories,
    p.project_id
FROM project_overview p
WHERE p.started_on BETWEEN getvariable('date_from') AND getvariable('date_to')
  AND (len(getvariable('teams')) = 0
       OR p.project_id IN (SELECT project_id FROM project_teams
                           WHERE list_contains(getvariable('teams'), team_id)))
ORDER BY p.started_on DESC, p.title
LIMIT getvariable('max_rows');
