-- One project's outputs (code, case studies, reports, publications, AIAs, model cards), newest first.
-- SET VARIABLE project_id = '';                -- the project to show

SELECT kind, title, url, published_on
FROM project_outputs
WHERE project_id = getvariable('project_id')
ORDER BY published_on DESC NULLS LAST, kind, title;
