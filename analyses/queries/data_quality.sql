-- Data-quality findings for operators, one row each: the check, what it concerns and the detail.
-- SET VARIABLE as_of = DATE '2026-09-30';      -- the day "gone stale" is judged on
-- SET VARIABLE months = 6;                     -- how long without a stage change or commit counts as stale

WITH last_commit AS (
    SELECT pr.project_id, max(c.authored_at) AS last_commit
    FROM project_repos pr JOIN commit_activity c USING (full_name)
    WHERE NOT c.is_bot
    GROUP BY pr.project_id
),
inferred AS (
    SELECT person_key, any_value(t.short_name) AS team, count(*) AS contributions
    FROM contributions c LEFT JOIN teams t USING (team_id)
    WHERE attribution = 'inferred'
    GROUP BY person_key
)
SELECT 'Repositories mapped to no team' AS check, full_name AS subject,
       'no team rule in the sources file matches it' AS detail
FROM repositories WHERE team_id IS NULL
UNION ALL
SELECT 'Projects without repositories', p.title, 'stage: ' || p.current_stage
FROM projects p WHERE NOT EXISTS (SELECT 1 FROM project_repos r WHERE r.project_id = p.project_id)
UNION ALL
SELECT 'Projects gone stale', p.title,
       'no stage change since ' || strftime(p.stage_since, '%d %b %Y')
       || coalesce(' and no commit since ' || strftime(lc.last_commit, '%d %b %Y'), ' and no commit')
FROM projects p LEFT JOIN last_commit lc USING (project_id)
WHERE p.current_stage IN (SELECT stage FROM stages WHERE phase NOT IN ('operational', 'closed'))  -- still in R&D or pilot
  AND p.stage_since < getvariable('as_of') - to_months(getvariable('months'))
  AND coalesce(lc.last_commit, TIMESTAMP '1900-01-01') < getvariable('as_of') - to_months(getvariable('months'))
UNION ALL
SELECT 'People without a team membership', person_key,
       contributions || ' contributions, counted for ' || coalesce(team, 'no team') || ' (inferred)'
FROM inferred
UNION ALL
SELECT CASE WHEN kind = 'fetch_failed' THEN 'Repositories that could not be fetched'
            WHEN kind = 'not_refreshed' THEN 'Repositories not refreshed (earlier data kept)'
            WHEN kind = 'not_loaded' THEN 'Repositories or organisations not loaded'
            WHEN kind IN ('not_a_repository', 'search_limit', 'empty_repository', 'unreadable_repository',
                          'duplicate_clone') THEN 'Clones not loaded'                  -- folders and clones skipped
            WHEN kind = 'shallow_clone' THEN 'Clones with part of their history'
            WHEN kind = 'possible_same_person' THEN 'Identities that look like one person'  -- keys only, never names
            ELSE 'Files that could not be read' END,
       subject, CASE WHEN detail = '' THEN message ELSE detail || ': ' || message END
FROM data_problems WHERE kind NOT IN ('unmapped_repository', 'shallow_clone')
UNION ALL
SELECT 'Clones with part of their history', subject, message  -- the detail holds the cut-off commits
FROM data_problems WHERE kind = 'shallow_clone'
UNION ALL
SELECT 'Records with warnings', p.title, 'operational, but no operational owner is named'
FROM projects p JOIN stages st ON st.stage = p.current_stage WHERE st.phase = 'operational' AND p.operational_owner IS NULL
UNION ALL
SELECT 'Records with warnings', p.title, 'repository ' || r.full_name || ' is not in the warehouse (not loaded from GitHub)'
FROM project_repos r JOIN projects p USING (project_id)
WHERE r.host = 'github' AND r.full_name NOT IN (SELECT full_name FROM repositories)
ORDER BY 1, 2;
