-- Teams for filters and legends, in a stable order, with their colour slot: their rank by the commits their people made, all time.
-- (publish/theme.team_colours gives the first slots a colour each, on every page. The commits are read from the yearly
-- table every build fills, so the list never reads the commits themselves.)

WITH commits_all_time AS (                                             -- commits by each team's people (not bots), every year
    SELECT team_id, sum(commits) AS commits
    FROM team_activity_yearly
    GROUP BY ALL
)
SELECT
    t.team_id,
    t.name,
    t.short_name,
    t.organisation,
    coalesce(c.commits, 0) AS commits_all_time,
    row_number() OVER (ORDER BY coalesce(c.commits, 0) DESC, t.team_id) - 1 AS colour_slot
FROM teams t
LEFT JOIN commits_all_time c USING (team_id)
ORDER BY t.short_name;
