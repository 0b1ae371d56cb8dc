-- One project's stage history: each stage with the day it was entered and left, and the days spent in it.
-- SET VARIABLE project_id = '';                -- the project to show
-- SET VARIABLE as_of = DATE '2026-09-30';      -- the day a current stage is counted to

SELECT
    s.stage,
    st.label,
    s.entered_on,
    lead(s.entered_on) OVER (ORDER BY s.entered_on, st.ordinal) AS left_on,
    coalesce(lead(s.entered_on) OVER (ORDER BY s.entered_on, st.ordinal), getvariable('as_of')) - s.entered_on AS days
FROM project_stages s
JOIN stages st USING (stage)
WHERE s.project_id = getvariable('project_id')
ORDER BY s.entered_on, st.ordinal;
