-- Every stage spell of every project by date_to: when it was entered and left, and the days spent in it.
-- SET VARIABLE date_to = DATE '2026-09-30';    -- spells still open are counted to this day
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner); empty means every team

WITH chosen AS (
    SELECT DISTINCT project_id
    FROM project_teams
    WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
),
spells AS (
    SELECT
        s.project_id, s.stage, st.label, st.ordinal, st.phase, s.entered_on,
        lead(s.entered_on) OVER (PARTITION BY s.project_id ORDER BY s.entered_on, st.ordinal) AS left_on
    FROM project_stages s JOIN stages st USING (stage)
    WHERE s.entered_on <= getvariable('date_to')
      AND s.project_id IN (SELECT project_id FROM chosen)
)
SELECT
    project_id, stage, label, ordinal, entered_on, left_on,
    left_on IS NULL OR left_on > getvariable('date_to') AS is_current,
    least(coalesce(left_on, getvariable('date_to')), getvariable('date_to')) - entered_on AS days
FROM spells
WHERE phase <> 'closed'                                                -- time on the pathway only (not paused or retired)
ORDER BY ordinal, project_id;
