-- Every tag in use, with its category and how many projects carry it, most used first.
SELECT category, tag, count(*) AS projects
FROM project_tags
GROUP BY ALL
ORDER BY projects DESC, category, tag;
