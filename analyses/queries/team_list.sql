-- Teams for filters and legends, in a stable order, with their colour slot.
SELECT
    team_id,
    name,
    short_name,
    organisation,
    row_number() OVER (ORDER BY team_id) - 1 AS colour_slot
FROM teams
ORDER BY short_name;
