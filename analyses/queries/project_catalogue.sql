-- Projects matching the catalogue filters, newest first, with their teams, stage, tags and code activity.
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids (lead or partner); empty means every team
-- SET VARIABLE stages = []::VARCHAR[];         -- current stages to include; empty means all
-- SET VARIABLE tag = '';                       -- a tag any category must hold; empty means any
-- SET VARIABLE active_year = 0;                -- a year the project was active in; 0 means any
-- SET VARIABLE data_access = []::VARCHAR[];    -- data access classes; empty means all
-- SET VARIABLE search = '';                    -- words to find in title, summary, description or tags

WITH tag_lists AS (
    SELECT project_id, list(tag ORDER BY category, tag) AS tags
    FROM project_tags
    GROUP BY project_id
),
team_lists AS (
    SELECT pt.project_id, list(t.short_name ORDER BY pt.role, t.short_name) AS teams, list(pt.team_id) AS team_ids
    FROM project_teams pt JOIN teams t USING (team_id)
    GROUP BY pt.project_id
),
last_commits AS (
    SELECT pr.project_id, max(c.authored_at) AS last_commit
    FROM project_repos pr JOIN commits c USING (full_name)
    GROUP BY pr.project_id
)
SELECT
    p.project_id,
    p.title,
    p.summary,
    o.lead_team,
    tl.teams,
    o.stage_label AS stage,
    o.stage_ordinal,
    p.stage_since,
    p.started_on,
    p.years_from,
    p.years_to,
    p.data_access,
    coalesce(g.tags, []) AS tags,
    o.repo_count AS repositories,
    lc.last_commit
FROM projects p
JOIN project_overview o USING (project_id)
JOIN team_lists tl USING (project_id)
LEFT JOIN tag_lists g USING (project_id)
LEFT JOIN last_commits lc USING (project_id)
WHERE (len(getvariable('teams')) = 0 OR len(list_intersect(tl.team_ids, getvariable('teams'))) > 0)
  AND (len(getvariable('stages')) = 0 OR list_contains(getvariable('stages'), p.current_stage))
  AND (getvariable('tag') = '' OR list_contains(coalesce(g.tags, []), getvariable('tag')))
  AND (getvariable('active_year') = 0                                  -- active: started by then, not ended before
       OR (p.years_from <= getvariable('active_year') AND coalesce(p.years_to, 9999) >= getvariable('active_year')))
  AND (len(getvariable('data_access')) = 0 OR list_contains(getvariable('data_access'), p.data_access))
  AND (getvariable('search') = ''
       OR lower(concat_ws(' ', p.title, p.summary, p.description, array_to_string(coalesce(g.tags, []), ' ')))
          LIKE '%' || lower(getvariable('search')) || '%')
ORDER BY p.started_on DESC, p.title;
