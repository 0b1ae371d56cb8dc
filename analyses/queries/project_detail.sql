-- One project's record: text, teams, stage, governance, impact, tags and outputs (lists).
-- SET VARIABLE project_id = '';                -- the project to show

SELECT
    p.*,
    o.lead_team,
    t.name AS lead_team_name,
    o.stage_label,
    (SELECT list(tm.name ORDER BY tm.name) FROM project_teams pt JOIN teams tm USING (team_id)
      WHERE pt.project_id = p.project_id AND pt.role = 'partner') AS partner_teams,
    (SELECT list(category || ': ' || tag ORDER BY category, tag) FROM project_tags g
      WHERE g.project_id = p.project_id) AS tags
FROM projects p
JOIN project_overview o USING (project_id)
JOIN teams t ON t.team_id = p.lead_team_id
WHERE p.project_id = getvariable('project_id');
