-- Assembly Insights warehouse schema: the contract between the ETL and the dashboard.
--
-- Every table and column carries a COMMENT; `python -m etl dictionary` renders them as the
-- data dictionary in data/README.md, and a test fails when the two drift apart.
-- Statements are idempotent: the ETL runs this file on every build.
-- Dates are DATE, instants are TIMESTAMP in UTC. No column ever holds an e-mail address.

CREATE TABLE IF NOT EXISTS warehouse_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
COMMENT ON TABLE warehouse_meta IS 'Facts about the warehouse file itself: schema version, whether it holds demo data.';
COMMENT ON COLUMN warehouse_meta.key IS 'Name of the fact, e.g. schema_version, contents (demo or live).';
COMMENT ON COLUMN warehouse_meta.value IS 'Value of the fact, as text.';

CREATE TABLE IF NOT EXISTS stages (
    stage   VARCHAR PRIMARY KEY,
    label   VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL UNIQUE,
    phase   VARCHAR NOT NULL CHECK (phase IN ('idea', 'R&D', 'pilot', 'operational', 'closed'))
);
COMMENT ON TABLE stages IS 'Reference list of project stages on the R&D-to-operational pathway, in pathway order.';
COMMENT ON COLUMN stages.stage IS 'Stage code used in projects and project_stages: idea, discovery, proof_of_concept, pilot, operational, paused, retired.';
COMMENT ON COLUMN stages.label IS 'Stage name as shown to people, e.g. "Proof of concept".';
COMMENT ON COLUMN stages.ordinal IS 'Position on the pathway, 1 = idea; paused and retired come last.';
COMMENT ON COLUMN stages.phase IS 'Broad phase used in headline figures: idea, R&D (discovery and proof of concept), pilot, operational, closed (paused or retired).';

CREATE TABLE IF NOT EXISTS teams (
    team_id           VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    short_name        VARCHAR NOT NULL,
    directorate       VARCHAR,
    organisation      VARCHAR NOT NULL,
    description       VARCHAR,
    formed_on         DATE,
    ended_on          DATE,
    successor_team_id VARCHAR
);
COMMENT ON TABLE teams IS 'Data-science teams of the Assembly, one row per team with its current (or last) name. Renames and mergers are dated in team_history.';
COMMENT ON COLUMN teams.team_id IS 'Stable identifier, lower-case slug, e.g. ai-skunkworks. Never changes when the team is renamed.';
COMMENT ON COLUMN teams.name IS 'Current name, or the last name if the team has ended.';
COMMENT ON COLUMN teams.short_name IS 'Short label for charts and legends.';
COMMENT ON COLUMN teams.directorate IS 'Directorate the team sits in now (or last sat in).';
COMMENT ON COLUMN teams.organisation IS 'Organisation the team belongs to now (or last belonged to), e.g. NHS England.';
COMMENT ON COLUMN teams.description IS 'One or two sentences on what the team does.';
COMMENT ON COLUMN teams.formed_on IS 'Date the team was formed, if known.';
COMMENT ON COLUMN teams.ended_on IS 'First day the team no longer existed as a separate team (merged or disbanded); NULL while it exists. Its last team_history row starts on this day with event ended.';
COMMENT ON COLUMN teams.successor_team_id IS 'Team that took over the work when this team ended (a merger); NULL otherwise.';

CREATE TABLE IF NOT EXISTS team_history (
    team_id      VARCHAR NOT NULL,
    valid_from   DATE NOT NULL,
    valid_to     DATE,
    name         VARCHAR NOT NULL,
    directorate  VARCHAR,
    organisation VARCHAR NOT NULL,
    event        VARCHAR NOT NULL CHECK (event IN ('formed', 'renamed', 'moved', 'merged', 'ended')),
    PRIMARY KEY (team_id, valid_from)
);
COMMENT ON TABLE team_history IS 'Dated names and homes of each team, so history stays attributed across renames and mergers (e.g. NHSX became the NHS Transformation Directorate in 2022; NHS Digital merged into NHS England in 2023).';
COMMENT ON COLUMN team_history.team_id IS 'Team (teams.team_id).';
COMMENT ON COLUMN team_history.valid_from IS 'First day this name and home applied.';
COMMENT ON COLUMN team_history.valid_to IS 'Last day this name and home applied; NULL for the current one.';
COMMENT ON COLUMN team_history.name IS 'Team name during the period.';
COMMENT ON COLUMN team_history.directorate IS 'Directorate during the period.';
COMMENT ON COLUMN team_history.organisation IS 'Organisation during the period.';
COMMENT ON COLUMN team_history.event IS 'What started the period: formed, renamed, moved (to another directorate or organisation), merged (into another organisation), ended.';

CREATE TABLE IF NOT EXISTS people (
    person_key   VARCHAR PRIMARY KEY CHECK (person_key NOT LIKE '%@%'),
    github_login VARCHAR CHECK (github_login NOT LIKE '%@%'),
    is_bot       BOOLEAN NOT NULL DEFAULT false,
    first_seen   DATE,
    source       VARCHAR NOT NULL
);
COMMENT ON TABLE people IS 'Everyone who committed to a repository or belongs to a team, pseudonymously. Never holds a name or an e-mail address.';
COMMENT ON COLUMN people.person_key IS 'Stable pseudonymous key (p_ + 16 hex digits): a salted hash of the GitHub login, or of the normalised e-mail address when a commit is linked to no account. The salt is kept outside the warehouse and outside git.';
COMMENT ON COLUMN people.github_login IS 'Public GitHub login, where the person has one; shown only where the privacy setting allows.';
COMMENT ON COLUMN people.is_bot IS 'True for automation accounts (names ending [bot], dependabot, github-actions, web-flow); bots are left out of people analytics.';
COMMENT ON COLUMN people.first_seen IS 'Date of the first commit or membership seen for this person.';
COMMENT ON COLUMN people.source IS 'Where the person was first seen: github, git, records or demo.';

CREATE TABLE IF NOT EXISTS memberships (
    person_key VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%'),
    team_id    VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to   DATE,
    PRIMARY KEY (person_key, team_id, valid_from)
);
COMMENT ON TABLE memberships IS 'Dated membership of people in teams; a person may move between teams.';
COMMENT ON COLUMN memberships.person_key IS 'Person (people.person_key).';
COMMENT ON COLUMN memberships.team_id IS 'Team (teams.team_id).';
COMMENT ON COLUMN memberships.valid_from IS 'First day of the membership.';
COMMENT ON COLUMN memberships.valid_to IS 'Last day of the membership; NULL while it lasts.';

CREATE TABLE IF NOT EXISTS person_aliases (
    alias_key  VARCHAR PRIMARY KEY CHECK (alias_key NOT LIKE '%@%'),
    person_key VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%'),
    CHECK (alias_key <> person_key)
);
COMMENT ON TABLE person_aliases IS 'Identity merge: other keys of the same person (a second GitHub login, commits made from an e-mail address linked to no account), from the aliases in data/teams.yml. Analyses count the person once, under person_key.';
COMMENT ON COLUMN person_aliases.alias_key IS 'The other key (people.person_key).';
COMMENT ON COLUMN person_aliases.person_key IS 'The key the person is counted under.';

CREATE TABLE IF NOT EXISTS projects (
    project_id        VARCHAR PRIMARY KEY,
    title             VARCHAR NOT NULL,
    summary           VARCHAR NOT NULL,
    description       VARCHAR,
    lead_team_id      VARCHAR NOT NULL,
    current_stage     VARCHAR NOT NULL,
    stage_since       DATE NOT NULL,
    started_on        DATE NOT NULL,
    origin            VARCHAR,
    work_area         VARCHAR,
    data_access       VARCHAR CHECK (data_access IN ('patient identifiable', 'pseudonymised', 'synthetic', 'open')),
    operational_owner VARCHAR,
    case_study_url    VARCHAR,
    years_from        INTEGER,
    years_to          INTEGER,
    dpia              VARCHAR CHECK (dpia IN ('done', 'in progress', 'not started', 'not needed')),
    aia               VARCHAR CHECK (aia IN ('done', 'in progress', 'not started', 'not needed')),
    clinical_safety_case VARCHAR CHECK (clinical_safety_case IN ('done', 'in progress', 'not started', 'not needed')),
    impact            VARCHAR,
    hours_saved_per_year DOUBLE,
    organisations_using  INTEGER,
    record_path       VARCHAR
);
COMMENT ON TABLE projects IS 'One row per project in the Assembly portfolio, from the project records.';
COMMENT ON COLUMN projects.project_id IS 'Stable identifier, lower-case slug, e.g. synthetic-ae-data.';
COMMENT ON COLUMN projects.title IS 'Project title.';
COMMENT ON COLUMN projects.summary IS 'One-line summary.';
COMMENT ON COLUMN projects.description IS 'Longer description (plain text; shown escaped).';
COMMENT ON COLUMN projects.lead_team_id IS 'Team leading the project (teams.team_id).';
COMMENT ON COLUMN projects.current_stage IS 'Stage now (stages.stage): the latest entry in project_stages.';
COMMENT ON COLUMN projects.stage_since IS 'Date the project entered its current stage.';
COMMENT ON COLUMN projects.started_on IS 'Date of the first entry in project_stages.';
COMMENT ON COLUMN projects.origin IS 'Where the idea came from, e.g. a call for ideas, a team''s own work, a partner request.';
COMMENT ON COLUMN projects.work_area IS 'Main work area, e.g. imaging, patient safety, workforce.';
COMMENT ON COLUMN projects.data_access IS 'Most sensitive data used: patient identifiable, pseudonymised, synthetic or open.';
COMMENT ON COLUMN projects.operational_owner IS 'Team or service that owns the product after handover to operations; NULL before handover.';
COMMENT ON COLUMN projects.case_study_url IS 'Link to the published case study, if any.';
COMMENT ON COLUMN projects.years_from IS 'First year the project was active (from the record, else the year of its first stage).';
COMMENT ON COLUMN projects.years_to IS 'Last year the project was active; NULL while it is active.';
COMMENT ON COLUMN projects.dpia IS 'Data protection impact assessment: done, in progress, not started or not needed; NULL if not recorded.';
COMMENT ON COLUMN projects.aia IS 'Algorithmic impact assessment: done (published), in progress, not started or not needed; NULL if not recorded.';
COMMENT ON COLUMN projects.clinical_safety_case IS 'Clinical safety case (DCB0129/0160): done, in progress, not started or not needed; NULL if not recorded.';
COMMENT ON COLUMN projects.impact IS 'Impact in words (plain text; shown escaped).';
COMMENT ON COLUMN projects.hours_saved_per_year IS 'Staff hours saved a year, where measured.';
COMMENT ON COLUMN projects.organisations_using IS 'Number of organisations using the product, where known.';
COMMENT ON COLUMN projects.record_path IS 'Path of the project record file the row was loaded from.';

CREATE TABLE IF NOT EXISTS project_stages (
    project_id VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    entered_on DATE NOT NULL,
    PRIMARY KEY (project_id, stage, entered_on)
);
COMMENT ON TABLE project_stages IS 'Dated stage history of each project: one row each time a project entered a stage.';
COMMENT ON COLUMN project_stages.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN project_stages.stage IS 'Stage entered (stages.stage).';
COMMENT ON COLUMN project_stages.entered_on IS 'Date the stage was entered.';

CREATE TABLE IF NOT EXISTS project_teams (
    project_id VARCHAR NOT NULL,
    team_id    VARCHAR NOT NULL,
    role       VARCHAR NOT NULL CHECK (role IN ('lead', 'partner')),
    PRIMARY KEY (project_id, team_id)
);
COMMENT ON TABLE project_teams IS 'Teams taking part in each project: the lead team and any partner teams.';
COMMENT ON COLUMN project_teams.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN project_teams.team_id IS 'Team (teams.team_id).';
COMMENT ON COLUMN project_teams.role IS 'lead or partner.';

CREATE TABLE IF NOT EXISTS project_tags (
    project_id VARCHAR NOT NULL,
    category   VARCHAR NOT NULL,
    tag        VARCHAR NOT NULL,
    PRIMARY KEY (project_id, category, tag)
);
COMMENT ON TABLE project_tags IS 'Tags of each project by category.';
COMMENT ON COLUMN project_tags.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN project_tags.category IS 'Tag category: domain, technique, data_type or language.';
COMMENT ON COLUMN project_tags.tag IS 'Tag value, e.g. nlp, imaging, synthetic data.';

CREATE TABLE IF NOT EXISTS project_repos (
    project_id VARCHAR NOT NULL,
    full_name  VARCHAR NOT NULL,
    host       VARCHAR NOT NULL,
    url        VARCHAR,
    PRIMARY KEY (project_id, full_name)
);
COMMENT ON TABLE project_repos IS 'Code repositories of each project, on any host.';
COMMENT ON COLUMN project_repos.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN project_repos.full_name IS 'Repository as owner/name; joins repositories.full_name for repositories the ETL loads.';
COMMENT ON COLUMN project_repos.host IS 'Where the code lives: github, gitlab, azure-devops or other.';
COMMENT ON COLUMN project_repos.url IS 'Web address of the repository.';

CREATE TABLE IF NOT EXISTS project_outputs (
    project_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    title      VARCHAR NOT NULL,
    url        VARCHAR,
    published_on DATE,
    PRIMARY KEY (project_id, kind, title)
);
COMMENT ON TABLE project_outputs IS 'Outputs of each project: code, case study, technical report, publication, algorithmic impact assessment, model card.';
COMMENT ON COLUMN project_outputs.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN project_outputs.kind IS 'code, case_study, technical_report, publication, aia or model_card.';
COMMENT ON COLUMN project_outputs.title IS 'Title of the output.';
COMMENT ON COLUMN project_outputs.url IS 'Web address of the output, if published.';
COMMENT ON COLUMN project_outputs.published_on IS 'Publication date, if known.';

CREATE TABLE IF NOT EXISTS needs (
    need_id        VARCHAR PRIMARY KEY,
    title          VARCHAR NOT NULL,
    summary        VARCHAR NOT NULL,
    description    VARCHAR,
    category       VARCHAR NOT NULL,
    raised_on      DATE NOT NULL,
    current_status VARCHAR NOT NULL,
    status_since   DATE NOT NULL,
    record_path    VARCHAR
);
COMMENT ON TABLE needs IS 'One row per need the Assembly''s teams raised (a tool, a platform, access to data, guidance, training), from the need files in data/needs/, with where it stands now.';
COMMENT ON COLUMN needs.need_id IS 'Stable identifier, lower-case slug, e.g. gpu-for-imaging: the need file''s name.';
COMMENT ON COLUMN needs.title IS 'The need in a few words.';
COMMENT ON COLUMN needs.summary IS 'One-line summary: what is needed and why.';
COMMENT ON COLUMN needs.description IS 'Longer description (plain text; shown escaped).';
COMMENT ON COLUMN needs.category IS 'What the need is about (data/vocabulary.yml, needs.categories): tooling, platform, data access, information governance, workforce or other.';
COMMENT ON COLUMN needs.raised_on IS 'Date the need was raised with the Assembly; on or before its first status.';
COMMENT ON COLUMN needs.current_status IS 'Status now: that of the latest entry in need_status_history.';
COMMENT ON COLUMN needs.status_since IS 'Date of the latest entry in need_status_history.';
COMMENT ON COLUMN needs.record_path IS 'Path of the need file the row was loaded from.';

CREATE TABLE IF NOT EXISTS need_teams (
    need_id VARCHAR NOT NULL,
    team_id VARCHAR NOT NULL,
    PRIMARY KEY (need_id, team_id)
);
COMMENT ON TABLE need_teams IS 'Teams that raised each need (its raised_by).';
COMMENT ON COLUMN need_teams.need_id IS 'Need (needs.need_id).';
COMMENT ON COLUMN need_teams.team_id IS 'Team (teams.team_id).';

CREATE TABLE IF NOT EXISTS need_technologies (
    need_id    VARCHAR NOT NULL,
    technology VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL CHECK (kind IN ('radar', 'category')),
    PRIMARY KEY (need_id, technology)
);
COMMENT ON TABLE need_technologies IS 'Technologies each need concerns: entries of the tech radar or categories of the package taxonomy.';
COMMENT ON COLUMN need_technologies.need_id IS 'Need (needs.need_id).';
COMMENT ON COLUMN need_technologies.technology IS 'As the need names it: a radar entry''s name (radar_entries.name) or a taxonomy category id (categories.category).';
COMMENT ON COLUMN need_technologies.kind IS 'radar (joins radar_entries.name) or category (joins categories.category).';

CREATE TABLE IF NOT EXISTS need_projects (
    need_id    VARCHAR NOT NULL,
    project_id VARCHAR NOT NULL,
    relation   VARCHAR NOT NULL,
    PRIMARY KEY (need_id, project_id)
);
COMMENT ON TABLE need_projects IS 'Projects each need bears on, and how.';
COMMENT ON COLUMN need_projects.need_id IS 'Need (needs.need_id).';
COMMENT ON COLUMN need_projects.project_id IS 'Project (projects.project_id).';
COMMENT ON COLUMN need_projects.relation IS 'How the need bears on the project (data/vocabulary.yml, needs.relations): blocks (the project cannot go on without it) or would_help.';

CREATE TABLE IF NOT EXISTS need_status_history (
    need_id  VARCHAR NOT NULL,
    seq      INTEGER NOT NULL,
    status   VARCHAR NOT NULL,
    dated_on DATE NOT NULL,
    asked    VARCHAR CHECK (asked NOT LIKE '%@%'),
    position VARCHAR NOT NULL,
    PRIMARY KEY (need_id, seq)
);
COMMENT ON TABLE need_status_history IS 'Dated status history of each need, with who was asked and the Assembly''s position at each step; never a person''s e-mail address.';
COMMENT ON COLUMN need_status_history.need_id IS 'Need (needs.need_id).';
COMMENT ON COLUMN need_status_history.seq IS 'Position of the entry in the need''s history, 1 = first; dates never go back, and entries of one day keep this order.';
COMMENT ON COLUMN need_status_history.status IS 'Status reached (data/vocabulary.yml, needs.statuses): raised, under_discussion, agreed_position, escalated, delivered or declined.';
COMMENT ON COLUMN need_status_history.dated_on IS 'Date the status was reached.';
COMMENT ON COLUMN need_status_history.asked IS 'Who was asked: a role or body, e.g. National Data Platform team; NULL when nobody outside the Assembly was.';
COMMENT ON COLUMN need_status_history.position IS 'The Assembly''s position at this step, in words (plain text; shown escaped).';

CREATE TABLE IF NOT EXISTS repositories (
    full_name        VARCHAR PRIMARY KEY,
    org              VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    description      VARCHAR,
    primary_language VARCHAR,
    stars            INTEGER NOT NULL DEFAULT 0,
    forks            INTEGER NOT NULL DEFAULT 0,
    open_issues      INTEGER NOT NULL DEFAULT 0,
    license          VARCHAR,
    archived         BOOLEAN NOT NULL DEFAULT false,
    is_fork          BOOLEAN NOT NULL DEFAULT false,
    created_at       TIMESTAMP,
    pushed_at        TIMESTAMP,
    default_branch   VARCHAR,
    topics           VARCHAR[] NOT NULL DEFAULT [],
    team_id          VARCHAR,
    source           VARCHAR NOT NULL,
    html_url         VARCHAR
);
COMMENT ON TABLE repositories IS 'Code repositories loaded by the ETL, with their metadata as of the last refresh.';
COMMENT ON COLUMN repositories.full_name IS 'owner/name, e.g. nhsengland/datascience.';
COMMENT ON COLUMN repositories.org IS 'Owner: GitHub organisation or user, or the folder for local clones.';
COMMENT ON COLUMN repositories.name IS 'Repository name without the owner.';
COMMENT ON COLUMN repositories.description IS 'Description as given on the host.';
COMMENT ON COLUMN repositories.primary_language IS 'Main language as reported by the host (GitHub Linguist).';
COMMENT ON COLUMN repositories.stars IS 'Stargazers at the last refresh.';
COMMENT ON COLUMN repositories.forks IS 'Forks at the last refresh.';
COMMENT ON COLUMN repositories.open_issues IS 'Open issues and pull requests at the last refresh.';
COMMENT ON COLUMN repositories.license IS 'SPDX licence identifier, e.g. MIT; NULL if none was detected.';
COMMENT ON COLUMN repositories.archived IS 'True if the repository is archived (read-only).';
COMMENT ON COLUMN repositories.is_fork IS 'True if the repository is a fork of another.';
COMMENT ON COLUMN repositories.created_at IS 'When the repository was created.';
COMMENT ON COLUMN repositories.pushed_at IS 'Last push to any branch.';
COMMENT ON COLUMN repositories.default_branch IS 'Default branch; commits are read from it.';
COMMENT ON COLUMN repositories.topics IS 'Topics (GitHub tags) as a list.';
COMMENT ON COLUMN repositories.team_id IS 'Team owning the repository (teams.team_id) under the mapping rules; NULL when no rule maps it.';
COMMENT ON COLUMN repositories.source IS 'How the repository was loaded: github, git or demo.';
COMMENT ON COLUMN repositories.html_url IS 'Web address of the repository.';

CREATE TABLE IF NOT EXISTS repo_languages (
    full_name VARCHAR NOT NULL,
    language  VARCHAR NOT NULL,
    bytes     BIGINT NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (full_name, language)
);
COMMENT ON TABLE repo_languages IS 'Languages of each repository in bytes of code on the default branch (GitHub Linguist).';
COMMENT ON COLUMN repo_languages.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN repo_languages.language IS 'Language name as Linguist spells it, e.g. Python, R, Jupyter Notebook.';
COMMENT ON COLUMN repo_languages.bytes IS 'Bytes of code in that language.';

CREATE TABLE IF NOT EXISTS dependencies (
    full_name     VARCHAR NOT NULL,
    manifest_path VARCHAR NOT NULL,
    ecosystem     VARCHAR NOT NULL,
    package       VARCHAR NOT NULL,
    version_spec  VARCHAR,
    inferred      BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (full_name, manifest_path, package)
);
COMMENT ON TABLE dependencies IS 'Packages each repository depends on, from its dependency manifests on the default branch.';
COMMENT ON COLUMN dependencies.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN dependencies.manifest_path IS 'Path of the manifest in the repository, e.g. requirements.txt or src/app/package.json.';
COMMENT ON COLUMN dependencies.ecosystem IS 'pypi, cran, conda or npm.';
COMMENT ON COLUMN dependencies.package IS 'Package name, normalised (PyPI names lower-case with hyphens).';
COMMENT ON COLUMN dependencies.version_spec IS 'Version constraint as written, e.g. >=2.0,<3; NULL when unpinned.';
COMMENT ON COLUMN dependencies.inferred IS 'True when found from import statements rather than a manifest.';

CREATE TABLE IF NOT EXISTS repo_packages (
    full_name     VARCHAR NOT NULL,
    ecosystem     VARCHAR NOT NULL,
    package       VARCHAR NOT NULL,
    manifest_path VARCHAR NOT NULL,
    PRIMARY KEY (full_name, ecosystem, package)
);
COMMENT ON TABLE repo_packages IS 'Packages each repository publishes, from the name in its pyproject.toml, setup.cfg, setup.py, DESCRIPTION or package.json. Another team depending on one of them is sharing internal code.';
COMMENT ON COLUMN repo_packages.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN repo_packages.ecosystem IS 'pypi, cran or npm.';
COMMENT ON COLUMN repo_packages.package IS 'Package name, normalised as in dependencies.package.';
COMMENT ON COLUMN repo_packages.manifest_path IS 'The file that names it.';

CREATE TABLE IF NOT EXISTS commits (
    full_name   VARCHAR NOT NULL,
    sha         VARCHAR NOT NULL,
    person_key  VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%'),
    authored_at TIMESTAMP NOT NULL,
    is_merge    BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (full_name, sha)
);
COMMENT ON TABLE commits IS 'Commits on the default branch of each repository. Authors are pseudonymous keys.';
COMMENT ON COLUMN commits.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN commits.sha IS 'Commit hash.';
COMMENT ON COLUMN commits.person_key IS 'Author (people.person_key).';
COMMENT ON COLUMN commits.authored_at IS 'When the change was authored (UTC).';
COMMENT ON COLUMN commits.is_merge IS 'True for merge commits (more than one parent).';

CREATE TABLE IF NOT EXISTS commit_coauthors (
    full_name  VARCHAR NOT NULL,
    sha        VARCHAR NOT NULL,
    person_key VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%'),
    PRIMARY KEY (full_name, sha, person_key)
);
COMMENT ON TABLE commit_coauthors IS 'Co-authors named in Co-authored-by trailers of commits.';
COMMENT ON COLUMN commit_coauthors.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN commit_coauthors.sha IS 'Commit hash (commits.sha).';
COMMENT ON COLUMN commit_coauthors.person_key IS 'Co-author (people.person_key).';

CREATE TABLE IF NOT EXISTS releases (
    full_name    VARCHAR NOT NULL,
    tag          VARCHAR NOT NULL,
    published_at TIMESTAMP,
    PRIMARY KEY (full_name, tag)
);
COMMENT ON TABLE releases IS 'Releases and tags of each repository.';
COMMENT ON COLUMN releases.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN releases.tag IS 'Tag name, e.g. v1.2.0.';
COMMENT ON COLUMN releases.published_at IS 'When the release was published (or the tagged commit was made).';

CREATE TABLE IF NOT EXISTS github_repo_state (
    full_name      VARCHAR PRIMARY KEY,
    repo_id        BIGINT,
    pushed_at      TIMESTAMP,
    default_branch VARCHAR,
    head_sha       VARCHAR,
    tree_sha       VARCHAR,
    complete       BOOLEAN NOT NULL,
    fetched_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE github_repo_state IS 'The incremental cursor of the GitHub source: what the last refresh fetched of each repository, so the next one asks only for what changed.';
COMMENT ON COLUMN github_repo_state.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN github_repo_state.repo_id IS 'GitHub''s id of the repository, which survives renames and transfers: a repository listed under a new name with this id keeps its rows under the new name. NULL for rows written before it was recorded (the repository is then looked up by its old name, which GitHub redirects).';
COMMENT ON COLUMN github_repo_state.pushed_at IS 'pushed_at as listed when the repository was last fetched; a repository listed with the same value is not fetched again.';
COMMENT ON COLUMN github_repo_state.default_branch IS 'Default branch when last fetched; commits are read again in full if it changes.';
COMMENT ON COLUMN github_repo_state.head_sha IS 'Head commit of the default branch when last fetched; new commits are those reachable from the new head but not from this one. NULL for an empty repository.';
COMMENT ON COLUMN github_repo_state.tree_sha IS 'Root tree of the default branch when last fetched; manifests are read again only if it changed.';
COMMENT ON COLUMN github_repo_state.complete IS 'False when the last run did not refresh the repository (it stopped early, or the fetch failed) and kept its previous rows; the next refresh fetches it again, whole.';
COMMENT ON COLUMN github_repo_state.fetched_at IS 'When the repository was last fetched (UTC).';

CREATE TABLE IF NOT EXISTS git_repo_state (
    full_name      VARCHAR PRIMARY KEY,
    path           VARCHAR NOT NULL,
    default_branch VARCHAR,
    head_sha       VARCHAR,
    tree_sha       VARCHAR,
    fetched_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE git_repo_state IS 'What the git source last read from each local clone, so the next refresh reads only new commits.';
COMMENT ON COLUMN git_repo_state.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN git_repo_state.path IS 'Folder of the clone on the machine that ran the refresh.';
COMMENT ON COLUMN git_repo_state.default_branch IS 'Branch read (HEAD of the clone); NULL for an empty repository.';
COMMENT ON COLUMN git_repo_state.head_sha IS 'Commit at the head of that branch when read.';
COMMENT ON COLUMN git_repo_state.tree_sha IS 'Root tree of that commit: languages and manifests are read again only when it changes.';
COMMENT ON COLUMN git_repo_state.fetched_at IS 'When it was read (UTC).';

CREATE TABLE IF NOT EXISTS person_links (
    alias_key  VARCHAR PRIMARY KEY CHECK (alias_key NOT LIKE '%@%'),
    person_key VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%')
);
COMMENT ON TABLE person_links IS 'Keys GitHub showed to be one person: the key of a commit''s e-mail address, and the key of the account GitHub linked that commit to. Commits read from local clones (keyed by address) then count for the same person as their GitHub commits. Only keys are kept, never addresses.';
COMMENT ON COLUMN person_links.alias_key IS 'Key of the e-mail address.';
COMMENT ON COLUMN person_links.person_key IS 'Key of the GitHub account.';

CREATE TABLE IF NOT EXISTS data_problems (
    source      VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    detail      VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, subject, kind, detail)
);
COMMENT ON TABLE data_problems IS 'Data-quality findings of the ETL that did not stop a run: repositories mapped to no team, manifests that could not be parsed or were too large, repositories that could not be fetched or refreshed, configured sources that could not be found.';
COMMENT ON COLUMN data_problems.source IS 'Source that found the problem: github, git or records.';
COMMENT ON COLUMN data_problems.subject IS 'What the problem is about, usually a repository full_name.';
COMMENT ON COLUMN data_problems.kind IS 'unmapped_repository, manifest_unparsed, manifest_too_large, file_unreadable, source_unparsed (a notebook or source file whose imports could not be read), source_too_large, sources_capped (more Python files than are read for imports), fetch_failed (a part of the repository, named in detail, could not be read; its previous data is kept and the next run tries again), not_refreshed (the run stopped before the repository, or could not confirm it gone: its previous data is kept), not_loaded (a configured organisation or repository, or a new repository, that could not be loaded: nothing of it is in the warehouse); from local clones: not_a_repository (a path given with no clone in it), search_limit (the search for clones was cut short), empty_repository, unreadable_repository, duplicate_clone (the same repository reached twice; loaded once), shallow_clone (history cut: earlier commits not counted), blobs_absent (a partial clone lacking file contents), mailmap_unreadable, possible_same_person (keys with one name that nothing joins yet; the message holds the alias line).';
COMMENT ON COLUMN data_problems.detail IS 'Where within the subject, e.g. the manifest path; empty when the whole subject is meant.';
COMMENT ON COLUMN data_problems.message IS 'What is wrong, in one sentence.';
COMMENT ON COLUMN data_problems.detected_at IS 'When the problem was last seen (UTC).';

CREATE TABLE IF NOT EXISTS categories (
    category    VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    description VARCHAR
);
COMMENT ON TABLE categories IS 'Categories of the package taxonomy (data/taxonomy.yml), e.g. deep learning, visualisation.';
COMMENT ON COLUMN categories.category IS 'Category id, e.g. deep-learning.';
COMMENT ON COLUMN categories.label IS 'Category name as shown to people.';
COMMENT ON COLUMN categories.description IS 'What belongs in the category.';

CREATE TABLE IF NOT EXISTS package_categories (
    ecosystem VARCHAR NOT NULL,
    package   VARCHAR NOT NULL,
    category  VARCHAR NOT NULL,
    PRIMARY KEY (ecosystem, package)
);
COMMENT ON TABLE package_categories IS 'The curated package taxonomy (data/taxonomy.yml): which category each known package belongs to. Conda packages are matched through their PyPI names.';
COMMENT ON COLUMN package_categories.ecosystem IS 'pypi or cran.';
COMMENT ON COLUMN package_categories.package IS 'Package name as in dependencies.package.';
COMMENT ON COLUMN package_categories.category IS 'Category (categories.category).';

CREATE TABLE IF NOT EXISTS radar_entries (
    name        VARCHAR PRIMARY KEY,
    quadrant    VARCHAR NOT NULL,
    ring        VARCHAR NOT NULL CHECK (ring IN ('adopt', 'trial', 'assess', 'hold')),
    since       DATE NOT NULL,
    rationale   VARCHAR NOT NULL,
    match_kind  VARCHAR CHECK (match_kind IN ('pypi', 'cran', 'npm', 'conda', 'language')),
    match_value VARCHAR
);
COMMENT ON TABLE radar_entries IS 'The Assembly''s curated tech radar (data/radar.yml): each technology''s current ring and why.';
COMMENT ON COLUMN radar_entries.name IS 'Technology as named on the radar, e.g. pandas, Python.';
COMMENT ON COLUMN radar_entries.quadrant IS 'Radar quadrant: languages, libraries, tools or platforms.';
COMMENT ON COLUMN radar_entries.ring IS 'Current ring: adopt, trial, assess or hold.';
COMMENT ON COLUMN radar_entries.since IS 'Date the technology entered its current ring.';
COMMENT ON COLUMN radar_entries.rationale IS 'Why it is in its current ring.';
COMMENT ON COLUMN radar_entries.match_kind IS 'How usage is measured: a package of an ecosystem (pypi, cran, npm, conda) or a language; NULL when usage cannot be measured from repositories.';
COMMENT ON COLUMN radar_entries.match_value IS 'Package name or language name (as in dependencies.package or repo_languages.language).';

CREATE TABLE IF NOT EXISTS radar_moves (
    name      VARCHAR NOT NULL,
    moved_on  DATE NOT NULL,
    ring_from VARCHAR,
    ring_to   VARCHAR NOT NULL,
    rationale VARCHAR NOT NULL,
    PRIMARY KEY (name, moved_on)
);
COMMENT ON TABLE radar_moves IS 'History of the curated radar: every dated ring move with its rationale.';
COMMENT ON COLUMN radar_moves.name IS 'Technology (radar_entries.name).';
COMMENT ON COLUMN radar_moves.moved_on IS 'Date of the move.';
COMMENT ON COLUMN radar_moves.ring_from IS 'Ring before the move; NULL when the technology joined the radar.';
COMMENT ON COLUMN radar_moves.ring_to IS 'Ring after the move.';
COMMENT ON COLUMN radar_moves.rationale IS 'Why it moved.';

CREATE TABLE IF NOT EXISTS etl_runs (
    run_id                VARCHAR PRIMARY KEY,
    source                VARCHAR NOT NULL,
    started_at            TIMESTAMP NOT NULL,
    finished_at           TIMESTAMP,
    status                VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
    data_as_of            TIMESTAMP,
    repos_seen            INTEGER,
    repos_changed         INTEGER,
    commits_added         INTEGER,
    api_requests          INTEGER,
    rate_limit_remaining  INTEGER,
    counts                JSON,
    message               VARCHAR,
    repos_kept            INTEGER,
    repos_skipped         INTEGER,
    repos_removed         INTEGER,
    removals_confirmed    BOOLEAN,
    repos_detail          JSON
);
COMMENT ON TABLE etl_runs IS 'One row per ETL run that built or tried to build this warehouse.';
COMMENT ON COLUMN etl_runs.run_id IS 'Identifier of the run: UTC start time and a random suffix.';
COMMENT ON COLUMN etl_runs.source IS 'What ran: demo, github, git or records.';
COMMENT ON COLUMN etl_runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN etl_runs.finished_at IS 'When the run finished (UTC); NULL if it never finished.';
COMMENT ON COLUMN etl_runs.status IS 'succeeded, failed, partial (stopped cleanly, e.g. at the rate limit, keeping what was complete) or running.';
COMMENT ON COLUMN etl_runs.data_as_of IS 'The moment the data describes: the refresh time for live sources, the fixed snapshot date for demo data.';
COMMENT ON COLUMN etl_runs.repos_seen IS 'Repositories listed by the source.';
COMMENT ON COLUMN etl_runs.repos_changed IS 'Repositories whose data changed in this run.';
COMMENT ON COLUMN etl_runs.commits_added IS 'Commits added by this run.';
COMMENT ON COLUMN etl_runs.api_requests IS 'API requests made (GitHub source).';
COMMENT ON COLUMN etl_runs.rate_limit_remaining IS 'API rate limit left when the run ended (GitHub source).';
COMMENT ON COLUMN etl_runs.counts IS 'Row count of every table after the run, as a JSON object.';
COMMENT ON COLUMN etl_runs.message IS 'Error message of a failed run, or a note (why a run is partial, what it kept, skipped or removed); never holds a token.';
COMMENT ON COLUMN etl_runs.repos_kept IS 'Repositories this run should have refreshed but did not (it stopped early, their fetch failed, or their listing was incomplete): their previous rows were kept, and the next run fetches them again. NULL for runs of other sources or before this was recorded.';
COMMENT ON COLUMN etl_runs.repos_skipped IS 'Repositories (or configured organisations) this run found or was asked for but could not load, with no previous rows to keep: new ones it stopped before, or ones GitHub did not find; and local clones or folders not loaded (a second path to one clone, empty, unreadable, no clone found).';
COMMENT ON COLUMN etl_runs.repos_removed IS 'Repositories this run removed from the warehouse: deleted on GitHub (404 for their id), moved out of the configured organisations, or no longer configured. Renamed ones are moved, not removed. `python -m etl status` fails when more than DSA_MAX_REMOVED_SHARE of them go in one run, unless it was confirmed.';
COMMENT ON COLUMN etl_runs.removals_confirmed IS 'True when the run was started with --confirm-removals: a large removal was expected, and `python -m etl status` does not flag it.';
COMMENT ON COLUMN etl_runs.repos_detail IS 'Which repositories were kept, skipped, removed or moved, and why: a JSON object {"kept": {name: reason}, "skipped": {...}, "removed": {...}, "moved": {old name: new name}}; NULL when none.';

CREATE TABLE IF NOT EXISTS people_counted (
    person_key    VARCHAR PRIMARY KEY CHECK (person_key NOT LIKE '%@%'),
    canonical_key VARCHAR NOT NULL CHECK (canonical_key NOT LIKE '%@%'),
    is_bot        BOOLEAN NOT NULL
);
COMMENT ON TABLE people_counted IS 'Every person key with the key the person is counted under and whether the person is a bot: the view person_identity (the one definition of a person), stored by every build so that queries over a million commits join a table. Derived: every build fills it from person_identity.';
COMMENT ON COLUMN people_counted.person_key IS 'A person key (people.person_key).';
COMMENT ON COLUMN people_counted.canonical_key IS 'The key the person is counted under (person_identity.canonical_key).';
COMMENT ON COLUMN people_counted.is_bot IS 'True when any key of the person is a bot''s.';

-- ---------------------------------------------------------------------------------------
-- Views: the model layer. Joins and derived categories live here; pages only filter,
-- sort and format.

-- The one definition of a person. Every count of people reads person keys through this view
-- (directly, or through commit_activity and contributions, which are built on it).
CREATE OR REPLACE VIEW person_identity AS
WITH RECURSIVE
same AS (                                                              -- pairs of keys known to be one person
    SELECT alias_key AS a, person_key AS b FROM person_aliases        -- aliases in data/teams.yml
    UNION ALL
    SELECT alias_key, person_key FROM person_links                    -- addresses GitHub linked to an account
),
both_ways AS (
    SELECT a, b FROM same UNION SELECT b, a FROM same
),
reach(person_key, other) AS (                                          -- every key joined to each key, at any distance
    SELECT person_key, person_key FROM people
    UNION
    SELECT r.person_key, w.b FROM reach r JOIN both_ways w ON w.a = r.other
),
ranked AS (                                                            -- counted under: a key with a GitHub login, then
    SELECT r.person_key, r.other,                                      -- the person an alias names, then the lowest key
           CASE WHEN p.github_login IS NOT NULL THEN '0' ELSE '1' END
           || CASE WHEN r.other IN (SELECT person_key FROM person_aliases) THEN '0' ELSE '1' END
           || r.other AS preference
    FROM reach r LEFT JOIN people p ON p.person_key = r.other
),
resolved AS (
    SELECT person_key, arg_min(other, preference) AS canonical_key FROM ranked GROUP BY person_key
)
SELECT
    r.person_key,
    r.canonical_key,
    bool_or(p.is_bot) OVER (PARTITION BY r.canonical_key) AS is_bot
FROM resolved r
JOIN people p USING (person_key);
COMMENT ON VIEW person_identity IS 'The one definition of a person: every person key with the key the person is counted under. Keys joined by an alias in data/teams.yml (other logins, addresses linked to no account) or by GitHub linking an address to an account (person_links), at any distance, are one person, counted under a key with a GitHub login where there is one, else the person the alias names; so one person counts once across accounts, addresses, GitHub and git clones. is_bot when any key of the person is a bot''s. Every count of people uses it, directly or through commit_activity and contributions.';

CREATE OR REPLACE VIEW commit_activity AS
SELECT
    c.full_name,
    c.sha,
    i.canonical_key AS person_key,
    c.authored_at,
    CAST(date_trunc('month', c.authored_at) AS DATE) AS month,
    r.team_id AS repo_team_id,
    i.is_bot
FROM commits c
JOIN repositories r USING (full_name)
JOIN people_counted i USING (person_key);
COMMENT ON VIEW commit_activity IS 'Commits with their month, the team owning the repository, the author as the person counted (person_identity, through its stored copy people_counted: aliases and linked accounts joined) and whether that person is a bot.';

CREATE OR REPLACE VIEW project_overview AS
SELECT
    p.project_id,
    p.title,
    p.summary,
    p.lead_team_id,
    t.short_name AS lead_team,
    p.current_stage,
    s.label AS stage_label,
    s.ordinal AS stage_ordinal,
    s.phase,
    p.stage_since,
    p.started_on,
    p.data_access,
    (SELECT count(*) FROM project_repos pr WHERE pr.project_id = p.project_id) AS repo_count
FROM projects p
JOIN teams t ON t.team_id = p.lead_team_id
JOIN stages s ON s.stage = p.current_stage;
COMMENT ON VIEW project_overview IS 'Projects with their lead team''s label and their stage''s label, pathway position and phase.';

CREATE OR REPLACE VIEW package_usage AS
SELECT
    d.full_name,
    r.team_id,
    d.ecosystem,
    d.package,
    d.version_spec,
    d.inferred,
    coalesce(pc.category, 'uncategorised') AS category,
    -- The major version a constraint allows from: `==1.3`, `>=2.0`, `~=1.2`, `^18.2`, `>= 1.1.0`
    -- give 1, 2, 1, 18, 1; a constraint with only an upper bound (`<2.0`) gives none.
    TRY_CAST(regexp_extract(d.version_spec, '(?:^|,)\s*(?:===|==|>=|~=|\^|~|=|>)?\s*v?(\d+)', 1) AS INTEGER) AS major_version
FROM dependencies d
JOIN repositories r USING (full_name)
LEFT JOIN package_categories pc
       ON pc.package = d.package
      AND pc.ecosystem = CASE WHEN d.ecosystem = 'conda' THEN 'pypi' ELSE d.ecosystem END;
COMMENT ON VIEW package_usage IS 'Dependencies with the team owning the repository, the taxonomy category (conda packages matched through their PyPI names) and the major version the version constraint starts from (none when it only gives an upper bound).';

CREATE OR REPLACE VIEW repo_activity_windows AS
SELECT
    c.full_name,
    min(c.authored_at) AS first_commit,
    max(c.authored_at) AS last_commit
FROM commits c
JOIN people_counted i USING (person_key)
WHERE NOT i.is_bot
GROUP BY c.full_name;
COMMENT ON VIEW repo_activity_windows IS 'First and last commit by a person (not a bot) in each repository.';

CREATE OR REPLACE VIEW team_successions AS
WITH RECURSIVE chain(team_id, effective_team_id, from_date, depth) AS (
    SELECT team_id, team_id, DATE '0001-01-01', 0 FROM teams
    UNION ALL
    SELECT c.team_id, t.successor_team_id, t.ended_on, c.depth + 1
    FROM chain c
    JOIN teams t ON t.team_id = c.effective_team_id
    WHERE t.successor_team_id IS NOT NULL AND t.ended_on IS NOT NULL AND c.depth < 10
)
SELECT
    team_id,
    effective_team_id,
    from_date,
    lead(from_date) OVER (PARTITION BY team_id ORDER BY depth) AS to_date
FROM chain;
COMMENT ON VIEW team_successions IS 'Which team carries on each team''s work on each date: the team itself, then its successor from the day it ended (a merger), and so on. from_date is the first day, to_date the first day after.';

CREATE OR REPLACE VIEW contribution_attribution AS
WITH work AS (                                                         -- authors and co-authors of every commit
    SELECT full_name, sha, person_key, authored_at, 'author' AS role FROM commits
    UNION ALL
    SELECT cc.full_name, cc.sha, cc.person_key, c.authored_at, 'coauthor'
    FROM commit_coauthors cc JOIN commits c USING (full_name, sha)
),
people_work AS (                                                       -- as the person counted, bots left out
    SELECT w.*, i.canonical_key
    FROM work w JOIN person_identity i USING (person_key)
    WHERE NOT i.is_bot
),
member_spans AS (                                                      -- memberships under the counted key
    SELECT i.canonical_key, m.team_id, m.valid_from, m.valid_to
    FROM memberships m JOIN person_identity i USING (person_key)
),
home_team AS (                                                         -- fallback: the team owning most of their commits
    SELECT pw.canonical_key, r.team_id
    FROM people_work pw JOIN repositories r USING (full_name)
    WHERE r.team_id IS NOT NULL AND pw.role = 'author'
    GROUP BY pw.canonical_key, r.team_id
    QUALIFY row_number() OVER (PARTITION BY pw.canonical_key ORDER BY count(*) DESC, r.team_id) = 1
),
attributed AS (
    SELECT
        pw.full_name, pw.sha, pw.authored_at, pw.role, pw.canonical_key AS person_key,
        r.team_id AS repo_owner_id,
        coalesce(m.team_id, h.team_id) AS home_id,
        CASE WHEN m.team_id IS NOT NULL THEN 'membership' WHEN h.team_id IS NOT NULL THEN 'inferred' END AS attribution
    FROM people_work pw
    JOIN repositories r USING (full_name)
    LEFT JOIN member_spans m
           ON m.canonical_key = pw.canonical_key
          AND CAST(pw.authored_at AS DATE) >= m.valid_from
          AND (m.valid_to IS NULL OR CAST(pw.authored_at AS DATE) <= m.valid_to)
    LEFT JOIN home_team h ON h.canonical_key = pw.canonical_key
)
SELECT
    a.full_name, a.sha, a.authored_at, a.role, a.person_key,
    sr.effective_team_id AS repo_team_id,
    sh.effective_team_id AS team_id,
    a.attribution
FROM attributed a
LEFT JOIN team_successions sr
       ON sr.team_id = a.repo_owner_id
      AND CAST(a.authored_at AS DATE) >= sr.from_date AND (sr.to_date IS NULL OR CAST(a.authored_at AS DATE) < sr.to_date)
LEFT JOIN team_successions sh
       ON sh.team_id = a.home_id
      AND CAST(a.authored_at AS DATE) >= sh.from_date AND (sh.to_date IS NULL OR CAST(a.authored_at AS DATE) < sh.to_date);
COMMENT ON VIEW contribution_attribution IS 'The rule behind the contributions table, computed afresh from commits, co-authors, people, aliases, memberships and team successions; every build stores its result in contributions.';

-- ---------------------------------------------------------------------------------------
-- Derived tables: filled by every build from the view named in their comment, so pages read
-- them instead of recomputing the attribution rules on each query.

CREATE TABLE IF NOT EXISTS contributions (
    full_name    VARCHAR NOT NULL,
    sha          VARCHAR NOT NULL,
    authored_at  TIMESTAMP NOT NULL,
    role         VARCHAR NOT NULL,
    person_key   VARCHAR NOT NULL CHECK (person_key NOT LIKE '%@%'),
    repo_team_id VARCHAR,
    team_id      VARCHAR,
    attribution  VARCHAR
);
COMMENT ON TABLE contributions IS 'Who worked where: one row per person (not a bot) per commit, as author or co-author, with the person counted once across aliases, the team owning the repository and the person''s team on the commit date (through dated memberships, following mergers to the successor team). A person with no membership on that date counts for the team owning the repositories where they authored most commits (ties: first team id), marked inferred. Derived: every build fills it from the view contribution_attribution.';
COMMENT ON COLUMN contributions.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN contributions.sha IS 'Commit (commits.sha).';
COMMENT ON COLUMN contributions.authored_at IS 'When the commit was authored (UTC).';
COMMENT ON COLUMN contributions.role IS 'author or coauthor (a Co-authored-by trailer).';
COMMENT ON COLUMN contributions.person_key IS 'The key the person is counted under (person_identity.canonical_key).';
COMMENT ON COLUMN contributions.repo_team_id IS 'Team owning the repository on the commit date (its successor after a merger); NULL when the repository is mapped to no team.';
COMMENT ON COLUMN contributions.team_id IS 'The person''s team on the commit date (following mergers); NULL when it cannot be told.';
COMMENT ON COLUMN contributions.attribution IS 'How team_id was found: membership (a dated membership), inferred (the team owning most of their commits), or NULL.';

CREATE TABLE IF NOT EXISTS team_links_yearly (
    year_start DATE NOT NULL,
    link       VARCHAR NOT NULL,
    team_a_id  VARCHAR NOT NULL,
    team_a     VARCHAR,
    team_b_id  VARCHAR NOT NULL,
    team_b     VARCHAR,
    weight     BIGINT NOT NULL,
    PRIMARY KEY (year_start, link, team_a_id, team_b_id)
);
COMMENT ON TABLE team_links_yearly IS 'Links between pairs of teams in each financial year, all teams: what analyses/queries/collab_links.sql gives for each financial year (all teams) from the first with contributions to the day the data describes. Derived: every build fills it; trend charts read it.';
COMMENT ON COLUMN team_links_yearly.year_start IS 'First day (1 April) of the financial year.';
COMMENT ON COLUMN team_links_yearly.link IS 'Kind of link: people (shared contributors), coauthored, projects (joint projects under way) or code (a repository depending on a package another team publishes, as things stand now).';
COMMENT ON COLUMN team_links_yearly.team_a_id IS 'One team of the pair (the lower team_id).';
COMMENT ON COLUMN team_links_yearly.team_a IS 'Its short name.';
COMMENT ON COLUMN team_links_yearly.team_b_id IS 'The other team (the higher team_id).';
COMMENT ON COLUMN team_links_yearly.team_b IS 'Its short name.';
COMMENT ON COLUMN team_links_yearly.weight IS 'People, commits, projects or repositories making the link in that year.';

CREATE TABLE IF NOT EXISTS team_activity_yearly (
    year_start DATE NOT NULL,
    team_id    VARCHAR NOT NULL,
    team       VARCHAR,
    people     BIGINT NOT NULL,
    commits    BIGINT NOT NULL,
    repositories             BIGINT NOT NULL,
    other_teams_repositories BIGINT NOT NULL,
    PRIMARY KEY (year_start, team_id)
);
COMMENT ON TABLE team_activity_yearly IS 'Each team''s people and commits in each financial year, counted by the team its people were in: what analyses/queries/collab_team_activity.sql gives for each financial year. Derived: every build fills it.';
COMMENT ON COLUMN team_activity_yearly.year_start IS 'First day (1 April) of the financial year.';
COMMENT ON COLUMN team_activity_yearly.team_id IS 'Team (teams.team_id).';
COMMENT ON COLUMN team_activity_yearly.team IS 'Its short name.';
COMMENT ON COLUMN team_activity_yearly.people IS 'People (not bots) contributing for the team in the year.';
COMMENT ON COLUMN team_activity_yearly.commits IS 'Commits they authored.';
COMMENT ON COLUMN team_activity_yearly.repositories IS 'Repositories they worked on.';
COMMENT ON COLUMN team_activity_yearly.other_teams_repositories IS 'Of those, repositories owned by another team (or by none).';

-- Results of the analyses behind the Collaboration and Tech stack pages for each reporting period
-- the dashboard offers (analyses/periods.py), all teams: filled by every build
-- (analyses/stored.py BY_PERIOD), read by the dashboard instead of running the analysis over every
-- contribution or commit.
CREATE TABLE IF NOT EXISTS stored_queries (
    query_name   VARCHAR PRIMARY KEY,
    query_digest VARCHAR NOT NULL,
    stored_in    VARCHAR NOT NULL
);
COMMENT ON TABLE stored_queries IS 'The named analyses whose results the build stored (in the *_by_period and *_yearly tables), each with a digest of the exact text of the query that made them. The dashboard uses a stored result only while the query file still has that text; after an edit it runs the query instead. Derived: every build fills it.';
COMMENT ON COLUMN stored_queries.query_name IS 'The query (analyses/queries/<query_name>.sql).';
COMMENT ON COLUMN stored_queries.query_digest IS 'First 16 hex digits of the SHA-256 of the query file''s text when the build ran it.';
COMMENT ON COLUMN stored_queries.stored_in IS 'The tables holding its results, comma-separated.';

CREATE TABLE IF NOT EXISTS report_periods (
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    period_key   VARCHAR NOT NULL,
    PRIMARY KEY (period_start, period_end)
);
COMMENT ON TABLE report_periods IS 'The reporting periods the dashboard offers for this warehouse (the last 12 months, all time, each financial year; analyses/periods.py), for which the build stored the results of the analyses in the *_by_period tables. Derived: every build fills it.';
COMMENT ON COLUMN report_periods.period_start IS 'First day of the period.';
COMMENT ON COLUMN report_periods.period_end IS 'Last day of the period (the day the data describes, for periods running to date).';
COMMENT ON COLUMN report_periods.period_key IS 'The period''s key in dashboard links (last-12-months, all-time, fy-2025-26...).';

CREATE TABLE IF NOT EXISTS collab_team_activity_by_period (
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    row_order    INTEGER NOT NULL,
    team_id      VARCHAR,
    team         VARCHAR,
    people       BIGINT,
    commits      BIGINT,
    repositories BIGINT,
    other_teams_repositories BIGINT,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE collab_team_activity_by_period IS 'What analyses/queries/collab_team_activity.sql gives for each period in report_periods: each team''s people, commits and repositories, counted by the team its people were in. Derived: every build fills it.';
COMMENT ON COLUMN collab_team_activity_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN collab_team_activity_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN collab_team_activity_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN collab_team_activity_by_period.team_id IS 'Team (teams.team_id).';
COMMENT ON COLUMN collab_team_activity_by_period.team IS 'Its short name.';
COMMENT ON COLUMN collab_team_activity_by_period.people IS 'People (not bots) contributing for the team in the period.';
COMMENT ON COLUMN collab_team_activity_by_period.commits IS 'Commits they authored.';
COMMENT ON COLUMN collab_team_activity_by_period.repositories IS 'Repositories they worked on.';
COMMENT ON COLUMN collab_team_activity_by_period.other_teams_repositories IS 'Of those, repositories owned by another team (or by none).';

CREATE TABLE IF NOT EXISTS collab_links_by_period (
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    row_order    INTEGER NOT NULL,
    link         VARCHAR,
    team_a_id    VARCHAR,
    team_a       VARCHAR,
    team_b_id    VARCHAR,
    team_b       VARCHAR,
    weight       BIGINT,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE collab_links_by_period IS 'What analyses/queries/collab_links.sql gives for each period in report_periods, all teams: links between pairs of teams (shared people, co-authored commits, joint projects, shared code). Derived: every build fills it.';
COMMENT ON COLUMN collab_links_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN collab_links_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN collab_links_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN collab_links_by_period.link IS 'Kind of link: people, coauthored, projects or code.';
COMMENT ON COLUMN collab_links_by_period.team_a_id IS 'One team of the pair (the lower team_id).';
COMMENT ON COLUMN collab_links_by_period.team_a IS 'Its short name.';
COMMENT ON COLUMN collab_links_by_period.team_b_id IS 'The other team (the higher team_id).';
COMMENT ON COLUMN collab_links_by_period.team_b IS 'Its short name.';
COMMENT ON COLUMN collab_links_by_period.weight IS 'People, commits, projects or repositories making the link in the period.';

CREATE TABLE IF NOT EXISTS collab_flows_by_period (
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    row_order       INTEGER NOT NULL,
    home_team_id    VARCHAR,
    home_team       VARCHAR,
    repo_team_id    VARCHAR,
    repo_team       VARCHAR,
    people          BIGINT,
    contributions   BIGINT,
    people_inferred BIGINT,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE collab_flows_by_period IS 'What analyses/queries/collab_flows.sql gives for each period in report_periods, all teams: people of each home team contributing to repositories each team owns. Derived: every build fills it.';
COMMENT ON COLUMN collab_flows_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN collab_flows_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN collab_flows_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN collab_flows_by_period.home_team_id IS 'The team the people were in on the day of each commit.';
COMMENT ON COLUMN collab_flows_by_period.home_team IS 'Its short name.';
COMMENT ON COLUMN collab_flows_by_period.repo_team_id IS 'The team owning the repositories.';
COMMENT ON COLUMN collab_flows_by_period.repo_team IS 'Its short name.';
COMMENT ON COLUMN collab_flows_by_period.people IS 'People making the contributions.';
COMMENT ON COLUMN collab_flows_by_period.contributions IS 'Commits and co-authorships.';
COMMENT ON COLUMN collab_flows_by_period.people_inferred IS 'Of the people, those counted for a team inferred from their work (no membership on the day).';

CREATE TABLE IF NOT EXISTS cross_team_repositories_by_period (
    period_start        DATE NOT NULL,
    period_end          DATE NOT NULL,
    row_order           INTEGER NOT NULL,
    full_name           VARCHAR,
    owner               VARCHAR,
    teams               BIGINT,
    contributing_teams  VARCHAR,
    people              BIGINT,
    people_from_outside BIGINT,
    contributions       BIGINT,
    outside_share_pct   DOUBLE,
    projects            VARCHAR,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE cross_team_repositories_by_period IS 'What analyses/queries/cross_team_repositories.sql gives for each period in report_periods, all teams: repositories with contributors from two or more teams. Derived: every build fills it.';
COMMENT ON COLUMN cross_team_repositories_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN cross_team_repositories_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN cross_team_repositories_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN cross_team_repositories_by_period.full_name IS 'Repository (repositories.full_name).';
COMMENT ON COLUMN cross_team_repositories_by_period.owner IS 'Short name of the team owning it.';
COMMENT ON COLUMN cross_team_repositories_by_period.teams IS 'Teams whose people contributed.';
COMMENT ON COLUMN cross_team_repositories_by_period.contributing_teams IS 'Their short names.';
COMMENT ON COLUMN cross_team_repositories_by_period.people IS 'People contributing.';
COMMENT ON COLUMN cross_team_repositories_by_period.people_from_outside IS 'Of those, people from teams other than the owner.';
COMMENT ON COLUMN cross_team_repositories_by_period.contributions IS 'Commits and co-authorships.';
COMMENT ON COLUMN cross_team_repositories_by_period.outside_share_pct IS 'Share of the contributions made by people from other teams (%).';
COMMENT ON COLUMN cross_team_repositories_by_period.projects IS 'Projects the repository belongs to.';

CREATE TABLE IF NOT EXISTS team_people_quarterly_by_period (
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    row_order       INTEGER NOT NULL,
    team            VARCHAR,
    quarter         DATE,
    active          BIGINT,
    newcomers       BIGINT,
    stayed          BIGINT,
    active_previous BIGINT,
    retention_pct   DOUBLE,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE team_people_quarterly_by_period IS 'What analyses/queries/team_people_quarterly.sql gives for each period in report_periods, all teams: newcomers and retention per team per quarter. Derived: every build fills it.';
COMMENT ON COLUMN team_people_quarterly_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN team_people_quarterly_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN team_people_quarterly_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN team_people_quarterly_by_period.team IS 'Team short name.';
COMMENT ON COLUMN team_people_quarterly_by_period.quarter IS 'First day of the quarter.';
COMMENT ON COLUMN team_people_quarterly_by_period.active IS 'People active for the team in the quarter.';
COMMENT ON COLUMN team_people_quarterly_by_period.newcomers IS 'Of those, people active for it for the first time (empty for the first quarter of the data).';
COMMENT ON COLUMN team_people_quarterly_by_period.stayed IS 'Of those, people also active for it the quarter before.';
COMMENT ON COLUMN team_people_quarterly_by_period.active_previous IS 'People active for the team the quarter before.';
COMMENT ON COLUMN team_people_quarterly_by_period.retention_pct IS 'stayed as a share of active_previous (%).';

CREATE TABLE IF NOT EXISTS cross_team_projects_by_period (
    period_start       DATE NOT NULL,
    period_end         DATE NOT NULL,
    row_order          INTEGER NOT NULL,
    title              VARCHAR,
    lead_team          VARCHAR,
    partners           VARCHAR,
    contributing_teams VARCHAR,
    teams              BIGINT,
    people             BIGINT,
    current_stage      VARCHAR,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE cross_team_projects_by_period IS 'What analyses/queries/cross_team_projects.sql gives for each period in report_periods, all teams: projects under way worked on by more than one team. Derived: every build fills it.';
COMMENT ON COLUMN cross_team_projects_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN cross_team_projects_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN cross_team_projects_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN cross_team_projects_by_period.title IS 'Project title.';
COMMENT ON COLUMN cross_team_projects_by_period.lead_team IS 'Short name of the lead team.';
COMMENT ON COLUMN cross_team_projects_by_period.partners IS 'Partner teams named in the project record.';
COMMENT ON COLUMN cross_team_projects_by_period.contributing_teams IS 'Teams whose people contributed to the project''s repositories in the period.';
COMMENT ON COLUMN cross_team_projects_by_period.teams IS 'Teams involved: named and contributing, counted once.';
COMMENT ON COLUMN cross_team_projects_by_period.people IS 'People contributing to the project''s repositories in the period.';
COMMENT ON COLUMN cross_team_projects_by_period.current_stage IS 'The project''s stage now.';

CREATE TABLE IF NOT EXISTS languages_by_team_by_period (
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    row_order    INTEGER NOT NULL,
    team         VARCHAR,
    language     VARCHAR,
    bytes        DOUBLE,
    repositories BIGINT,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE languages_by_team_by_period IS 'What analyses/queries/languages_by_team.sql gives for each period in report_periods, all teams: bytes of code per language in each team''s repositories active in the period. Derived: every build fills it.';
COMMENT ON COLUMN languages_by_team_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN languages_by_team_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN languages_by_team_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN languages_by_team_by_period.team IS 'Team short name owning the repositories (No team for repositories mapped to none).';
COMMENT ON COLUMN languages_by_team_by_period.language IS 'Language.';
COMMENT ON COLUMN languages_by_team_by_period.bytes IS 'Bytes of code in the language.';
COMMENT ON COLUMN languages_by_team_by_period.repositories IS 'Repositories where the language makes up at least the minimum share of the bytes.';

CREATE TABLE IF NOT EXISTS languages_over_time_by_period (
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,
    row_order    INTEGER NOT NULL,
    quarter      DATE,
    language     VARCHAR,
    repositories BIGINT,
    PRIMARY KEY (period_start, period_end, row_order)
);
COMMENT ON TABLE languages_over_time_by_period IS 'What analyses/queries/languages_over_time.sql gives for each period in report_periods, all teams: repositories active each quarter, by main language. Derived: every build fills it.';
COMMENT ON COLUMN languages_over_time_by_period.period_start IS 'First day of the period (report_periods).';
COMMENT ON COLUMN languages_over_time_by_period.period_end IS 'Last day of the period (report_periods).';
COMMENT ON COLUMN languages_over_time_by_period.row_order IS 'Position of the row in the analysis''s own order.';
COMMENT ON COLUMN languages_over_time_by_period.quarter IS 'First day of the quarter.';
COMMENT ON COLUMN languages_over_time_by_period.language IS 'Language.';
COMMENT ON COLUMN languages_over_time_by_period.repositories IS 'Repositories with commits (not by bots) in the quarter, counted under their main language (Unknown when it has none).';
