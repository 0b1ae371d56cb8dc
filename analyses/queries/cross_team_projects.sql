-- Projects under way in the period worked on by more than one team (teams that have since merged count as one): partner teams named in the record, and teams whose people contributed to the project's repositories.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; projects involving any of them (empty means all)

WITH now AS (                                                          -- the team carrying on each team's work at the end of the period
    SELECT team_id, effective_team_id FROM team_successions
    WHERE getvariable('date_to') >= from_date AND (to_date IS NULL OR getvariable('date_to') < to_date)
),
named AS (
    SELECT pt.project_id, list(DISTINCT n.effective_team_id) AS named_ids,
           string_agg(DISTINCT t.short_name, ', ' ORDER BY t.short_name) FILTER (WHERE pt.role = 'partner') AS partners
    FROM project_teams pt JOIN teams t USING (team_id) JOIN now n USING (team_id)
    GROUP BY pt.project_id
),
contributing AS (
    SELECT pr.project_id, list(DISTINCT n.effective_team_id) AS contributing_ids,
           string_agg(DISTINCT t.short_name, ', ' ORDER BY t.short_name) AS contributing_teams,
           count(DISTINCT c.person_key) AS people
    FROM project_repos pr
    JOIN contributions c USING (full_name)
    JOIN now n ON n.team_id = c.team_id
    JOIN teams t ON t.team_id = n.effective_team_id
    WHERE c.authored_at >= getvariable('date_from')
      AND c.authored_at < getvariable('date_to') + INTERVAL 1 DAY
    GROUP BY pr.project_id
)
SELECT
    p.title,
    lead.short_name AS lead_team,
    n.partners,
    c.contributing_teams,
    len(list_distinct(list_concat(n.named_ids, coalesce(c.contributing_ids, [])))) AS teams,
    coalesce(c.people, 0) AS people,
    p.current_stage
FROM projects p
JOIN teams lead ON lead.team_id = p.lead_team_id
JOIN named n USING (project_id)
LEFT JOIN contributing c USING (project_id)
WHERE len(list_distinct(list_concat(n.named_ids, coalesce(c.contributing_ids, [])))) >= 2
  AND p.started_on <= getvariable('date_to')
  AND coalesce((SELECT arg_max(s.stage, s.entered_on) FROM project_stages s            -- not retired by then
                WHERE s.project_id = p.project_id AND s.entered_on <= getvariable('date_from')), '') <> 'retired'
  AND (len(getvariable('teams')) = 0
       OR len(list_intersect(getvariable('teams'), list_concat(n.named_ids, coalesce(c.contributing_ids, [])))) > 0)
ORDER BY teams DESC, people DESC, p.title, p.project_id;
