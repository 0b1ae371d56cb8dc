-- Languages of the repositories each team worked on in the period: bytes of code, and the repositories where the language is a real part of the code.
-- SET VARIABLE date_from = DATE '2023-10-01';  -- first day of the period
-- SET VARIABLE date_to = DATE '2026-09-30';    -- last day of the period
-- SET VARIABLE teams = []::VARCHAR[];          -- team_ids to include; empty means every team
-- SET VARIABLE min_share = 0.1;               -- a repository counts for a language making up at least this share of its bytes

WITH active AS (                                                       -- repositories with a human commit in the period
    SELECT DISTINCT full_name
    FROM commit_activity
    WHERE NOT is_bot
      AND authored_at >= getvariable('date_from')
      AND authored_at < getvariable('date_to') + INTERVAL 1 DAY
)
SELECT
    coalesce(t.short_name, 'No team') AS team,
    l.language,
    sum(l.bytes) AS bytes,
    count(DISTINCT l.full_name) FILTER (WHERE l.bytes >= getvariable('min_share') * s.total) AS repositories
FROM repo_languages l
JOIN active USING (full_name)
JOIN (SELECT full_name, sum(bytes) AS total FROM repo_languages GROUP BY full_name) s USING (full_name)
JOIN repositories r USING (full_name)
LEFT JOIN teams t USING (team_id)
WHERE len(getvariable('teams')) = 0 OR list_contains(getvariable('teams'), r.team_id)
GROUP BY ALL
ORDER BY team, bytes DESC, language;
