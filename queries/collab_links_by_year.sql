-- Links between pairs of teams in each financial year (April to March) of a span: collab_links year by year in one pass, for trends.
-- SET VARIABLE date_from = DATE '2016-04-01';  -- first day of the first financial year (an April 1st)
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day counted (the last year runs to here)
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids; links touching any of them (empty means all)

WITH years AS (
    SELECT CAST(range AS DATE) AS year_start,
           least(CAST(range + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE), getvariable('date_to')) AS year_end
    FROM range(getvariable('date_from'), getvariable('date_to') + INTERVAL 1 DAY, INTERVAL 1 YEAR)
),
work AS (                                                              -- contributions with their financial year, both teams known
    SELECT *, make_date(year(authored_at - INTERVAL 3 MONTH), 4, 1) AS year_start
    FROM contributions
    WHERE authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY
      AND team_id IS NOT NULL AND repo_team_id IS NOT NULL
),
people_links AS (
    SELECT year_start, least(team_id, repo_team_id) AS a, greatest(team_id, repo_team_id) AS b,
           count(DISTINCT person_key) AS weight
    FROM work WHERE team_id <> repo_team_id
    GROUP BY ALL
),
coauthor_links AS (
    SELECT au.year_start, least(au.team_id, co.team_id) AS a, greatest(au.team_id, co.team_id) AS b,
           count(DISTINCT (au.full_name, au.sha)) AS weight
    FROM work au
    JOIN work co ON co.full_name = au.full_name AND co.sha = au.sha AND co.role = 'coauthor'
    WHERE au.role = 'author' AND au.team_id <> co.team_id
    GROUP BY ALL
),
live_projects AS (                                                     -- projects under way at some point in each year
    SELECT y.year_start, p.project_id
    FROM years y JOIN projects p ON p.started_on <= y.year_end
    WHERE coalesce((SELECT arg_max(s.stage, s.entered_on) FROM project_stages s
                    WHERE s.project_id = p.project_id AND s.entered_on <= y.year_start), '') <> 'retired'
),
project_links AS (
    SELECT lp.year_start, least(x.team_id, y.team_id) AS a, greatest(x.team_id, y.team_id) AS b,
           count(DISTINCT x.project_id) AS weight
    FROM live_projects lp
    JOIN project_teams x ON x.project_id = lp.project_id
    JOIN project_teams y ON y.project_id = x.project_id AND x.team_id < y.team_id
    GROUP BY ALL
),
code_links AS (                                                        -- as things stand now, the same every year
    SELECT y.year_start, c.*
    FROM years y,
         (SELECT least(user_repo.team_id, owner.team_id) AS a, greatest(user_repo.team_id, owner.team_id) AS b,
                 count(DISTINCT d.full_name) AS weight
          FROM dependencies d
          JOIN repo_packages rp ON rp.package = d.package AND rp.ecosystem = d.ecosystem AND rp.full_name <> d.full_name
          JOIN repositories user_repo ON user_repo.full_name = d.full_name
          JOIN repositories owner ON owner.full_name = rp.full_name
          WHERE user_repo.team_id <> owner.team_id
          GROUP BY ALL) c
),
links AS (
    SELECT 'people' AS link, * FROM people_links
    UNION ALL SELECT 'coauthored', * FROM coauthor_links
    UNION ALL SELECT 'projects', * FROM project_links
    UNION ALL SELECT 'code', * FROM code_links
)
SELECT
    l.year_start,
    l.link,
    l.a AS team_a_id, ta.short_name AS team_a,
    l.b AS team_b_id, tb.short_name AS team_b,
    l.weight
FROM links l
JOIN teams ta ON ta.team_id = l.a
JOIN teams tb ON tb.team_id = l.b
WHERE len(getvariable('teams')) = 0
   OR list_contains(getvariable('teams'), l.a) OR list_contains(getvariable('teams'), l.b)
ORDER BY l.year_start, l.link, l.weight DESC, team_a, team_b;
