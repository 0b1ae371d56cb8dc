-- Projects still on the pathway (idea to pilot) with no stage change and no commit for at least `months` before date_to.
-- SET VARIABLE date_to = DATE '2026-09-30';    -- the day staleness is judged on
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner); empty means every team
-- SET VARIABLE months = 6;                     -- how long without change counts as stalled

WITH chosen AS (
    SELECT DISTINCT project_id
    FROM project_teams
    WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), team_id)
),
stage_on_day AS (
    SELECT project_id, arg_max(stage, entered_on) AS stage, max(entered_on) AS stage_since
    FROM project_stages
    WHERE entered_on <= getvariable('date_to')
    GROUP BY project_id
),
last_commit AS (                                                       -- any commit, bots included: code moved
    SELECT pr.project_id, max(c.authored_at) AS last_commit
    FROM project_repos pr JOIN commits c USING (full_name)
    WHERE c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
    GROUP BY pr.project_id
),
cutoff AS (SELECT getvariable('date_to') - to_months(getvariable('months')) AS day)
SELECT
    p.project_id,
    p.title,
    o.lead_team,
    st.label AS stage,
    d.stage_since,
    lc.last_commit,
    date_diff('month', greatest(d.stage_since, coalesce(CAST(lc.last_commit AS DATE), d.stage_since)),
              getvariable('date_to')) AS months_quiet
FROM stage_on_day d
JOIN chosen USING (project_id)
JOIN projects p USING (project_id)
JOIN project_overview o USING (project_id)
JOIN stages st ON st.stage = d.stage
LEFT JOIN last_commit lc USING (project_id)
WHERE st.phase IN ('idea', 'R&D', 'pilot')
  AND d.stage_since <= (SELECT day FROM cutoff)
  AND (lc.last_commit IS NULL OR lc.last_commit < (SELECT day FROM cutoff))
ORDER BY months_quiet DESC, p.title;
