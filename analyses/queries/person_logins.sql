-- GitHub logins of the given person keys, for pages allowed to name people (DSA_SHOW_LOGINS); keys without a login come back empty.
-- SET VARIABLE keys = []::VARCHAR[];           -- person keys

SELECT person_key, github_login
FROM people
WHERE list_contains(getvariable('keys'), person_key)
ORDER BY person_key;
