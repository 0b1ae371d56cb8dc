-- Links between pairs of teams in the period, of four kinds: shared contributors, co-authored commits, joint projects, and shared internal code.
-- SET VARIABLE date_from = DATE '2025-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; links touching any of them (empty means all)

WITH work AS (                                                         -- contributions in the period, both teams known
    SELECT * FROM contributions
    WHERE authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY
      AND team_id IS NOT NULL AND repo_team_id IS NOT NULL
),
people_links AS (                                                      -- a person of one team working in another team's repository
    SELECT least(team_id, repo_team_id) AS a, greatest(team_id, repo_team_id) AS b,
           count(DISTINCT person_key) AS weight
    FROM work WHERE team_id <> repo_team_id
    GROUP BY ALL
),
coauthor_links AS (                                                    -- a commit whose author and co-author were in different teams
    SELECT least(au.team_id, co.team_id) AS a, greatest(au.team_id, co.team_id) AS b,
           count(DISTINCT (au.full_name, au.sha)) AS weight
    FROM work au
    JOIN work co ON co.full_name = au.full_name AND co.sha = au.sha AND co.role = 'coauthor'
    WHERE au.role = 'author' AND au.team_id <> co.team_id
    GROUP BY ALL
),
live_projects AS (                                                     -- projects under way at some point in the period
    SELECT p.project_id FROM projects p
    WHERE p.started_on <= getvariable('date_to')
      AND coalesce((SELECT arg_max(s.stage, s.entered_on) FROM project_stages s        -- not retired by then
                    WHERE s.project_id = p.project_id AND s.entered_on <= getvariable('date_from')), '') <> 'retired'
),
project_links AS (
    SELECT least(x.team_id, y.team_id) AS a, greatest(x.team_id, y.team_id) AS b,
           count(DISTINCT x.project_id) AS weight
    FROM project_teams x
    JOIN project_teams y ON y.project_id = x.project_id AND x.team_id < y.team_id
    WHERE x.project_id IN (SELECT project_id FROM live_projects)
    GROUP BY ALL
),
code_links AS (                                                        -- a repository depending on a package another team publishes
    SELECT least(user_repo.team_id, owner.team_id) AS a, greatest(user_repo.team_id, owner.team_id) AS b,
           count(DISTINCT d.full_name) AS weight
    FROM dependencies d
    JOIN repo_packages rp ON rp.package = d.package AND rp.ecosystem = d.ecosystem AND rp.full_name <> d.full_name
    JOIN repositories user_repo ON user_repo.full_name = d.full_name
    JOIN repositories owner ON owner.full_name = rp.full_name
    WHERE user_repo.team_id <> owner.team_id
    GROUP BY ALL
),
links AS (
    SELECT 'people' AS link, * FROM people_links
    UNION ALL SELECT 'coauthored', * FROM coauthor_links
    UNION ALL SELECT 'projects', * FROM project_links
    UNION ALL SELECT 'code', * FROM code_links
)
SELECT
    l.link,
    l.a AS team_a_id, ta.short_name AS team_a,
    l.b AS team_b_id, tb.short_name AS team_b,
    l.weight
FROM links l
JOIN teams ta ON ta.team_id = l.a
JOIN teams tb ON tb.team_id = l.b
WHERE len(getvariable('teams')) = 0
   OR list_contains(getvariable('teams'), l.a) OR list_contains(getvariable('teams'), l.b)
ORDER BY l.link, l.weight DESC, team_a, team_b;
