-- Every name each team has gone by (current name, short name and dated earlier names), so that a
-- link naming a team by a name it had then still finds the team after a rename.

SELECT DISTINCT team_id, name
FROM (
    SELECT team_id, name FROM team_history
    UNION ALL
    SELECT team_id, name FROM teams
    UNION ALL
    SELECT team_id, short_name AS name FROM teams
)
ORDER BY team_id, name;
