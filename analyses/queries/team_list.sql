-- Teams for filters and legends, in a stable order, with their colour slot: their rank by commits to their repositories, all time.
-- (publish/theme.team_colours gives the first slots a colour each, on every page.)

WITH commits_all_time AS (                                             -- commits by people (not bots) to each team's repositories
    SELECT repo_team_id AS team_id, count(*) AS commits
    FROM commit_activity
    WHERE NOT is_bot AND repo_team_id IS NOT NULL
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
