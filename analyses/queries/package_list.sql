-- Every package in use, with how many teams and repositories depend on it, most widely used first.
SELECT package, ecosystem, any_value(category) AS category,
       count(DISTINCT team_id) AS teams, count(DISTINCT full_name) AS repositories
FROM package_usage
GROUP BY package, ecosystem
ORDER BY teams DESC, repositories DESC, package;
