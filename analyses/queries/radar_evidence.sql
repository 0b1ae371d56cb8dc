-- The curated radar beside the evidence from repositories: teams using each technology in the last 12 months, the trend, an evidence ring, and where they disagree.
-- SET VARIABLE as_of = DATE '2026-09-30';      -- end of the 12 months measured

WITH windows AS (
    SELECT getvariable('as_of') - INTERVAL 12 MONTH AS recent_from,
           getvariable('as_of') - INTERVAL 24 MONTH AS earlier_from,
           getvariable('as_of') + INTERVAL 1 DAY AS recent_to
),
repo_windows AS (                                                      -- human activity of each repository in the two windows
    SELECT c.full_name,
           count(*) FILTER (WHERE c.authored_at >= w.recent_from AND c.authored_at < w.recent_to) AS recent,
           count(*) FILTER (WHERE c.authored_at >= w.earlier_from AND c.authored_at < w.recent_from) AS earlier
    FROM commit_activity c, windows w
    WHERE NOT c.is_bot
    GROUP BY c.full_name
),
uses AS (                                                              -- repositories using each radar entry
    SELECT e.name, d.full_name
    FROM radar_entries e
    JOIN dependencies d ON e.match_kind IN ('pypi', 'cran', 'npm', 'conda')
                       AND d.package = e.match_value
                       AND (d.ecosystem = e.match_kind OR (e.match_kind = 'pypi' AND d.ecosystem = 'conda'))
    UNION
    SELECT e.name, l.full_name
    FROM radar_entries e
    JOIN repo_languages l ON e.match_kind = 'language' AND l.language = e.match_value AND l.bytes > 0
),
measured AS (
    SELECT u.name,
           count(DISTINCT r.team_id) FILTER (WHERE rw.recent > 0) AS teams_recent,
           count(DISTINCT u.full_name) FILTER (WHERE rw.recent > 0) AS repos_recent,
           count(DISTINCT u.full_name) FILTER (WHERE rw.earlier > 0) AS repos_earlier,
           string_agg(DISTINCT t.short_name, ', ') FILTER (WHERE rw.recent > 0) AS teams_using,
           list(DISTINCT t.short_name ORDER BY t.short_name) FILTER (WHERE rw.recent > 0) AS team_names
    FROM uses u
    JOIN repositories r USING (full_name)
    LEFT JOIN teams t USING (team_id)
    LEFT JOIN repo_windows rw USING (full_name)
    GROUP BY u.name
),
active_teams AS (
    SELECT count(DISTINCT r.team_id) AS n
    FROM repo_windows rw JOIN repositories r USING (full_name)
    WHERE rw.recent > 0
),
judged AS (
    SELECT
        e.*,
        e.match_kind IS NOT NULL AS measurable,
        coalesce(m.teams_recent, 0) AS teams_recent,
        coalesce(m.repos_recent, 0) AS repos_recent,
        coalesce(m.repos_earlier, 0) AS repos_earlier,
        m.teams_using,
        array_to_string(list_slice(m.team_names, 1, 3), ', ')                -- three teams named, the rest counted
            || CASE WHEN len(m.team_names) > 3 THEN ' and ' || (len(m.team_names) - 3) || ' more' ELSE '' END
            AS teams_named,
        CASE                                                           -- evidence ring from breadth of recent use
            WHEN e.match_kind IS NULL THEN NULL
            WHEN coalesce(m.teams_recent, 0) * 2 >= (SELECT n FROM active_teams) THEN 'adopt'
            WHEN coalesce(m.teams_recent, 0) >= 2 THEN 'trial'
            WHEN coalesce(m.teams_recent, 0) = 1 THEN 'assess'
            ELSE 'hold'
        END AS evidence_ring,
        CASE
            WHEN e.match_kind IS NULL THEN 'not measured'
            WHEN coalesce(m.repos_recent, 0) > coalesce(m.repos_earlier, 0) THEN 'rising'
            WHEN coalesce(m.repos_recent, 0) < coalesce(m.repos_earlier, 0) THEN 'falling'
            ELSE 'steady'
        END AS trend
    FROM radar_entries e
    LEFT JOIN measured m USING (name)
)
SELECT
    name, quadrant, ring, since, rationale, measurable, teams_recent, repos_recent, repos_earlier, teams_using,
    evidence_ring, trend,
    CASE
        WHEN NOT measurable THEN NULL
        WHEN ring = 'hold' AND teams_recent > 0
            THEN 'On hold, but ' || teams_recent || CASE WHEN teams_recent = 1 THEN ' team still uses'
                                                          ELSE ' teams still use' END || ' it: ' || teams_named
        WHEN ring = 'adopt' AND teams_recent = 0 THEN 'Adopted, but no team has used it in the last 12 months'
        WHEN abs(list_position(['adopt', 'trial', 'assess', 'hold'], ring)
                 - list_position(['adopt', 'trial', 'assess', 'hold'], evidence_ring)) >= 2
            THEN 'Curated ' || ring || ', but usage looks like ' || evidence_ring
    END AS disagreement
FROM judged
ORDER BY list_position(['adopt', 'trial', 'assess', 'hold'], ring), quadrant, name;
