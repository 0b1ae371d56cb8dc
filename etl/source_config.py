"""The sources configuration file: which GitHub organisations and repositories to load,
and which team each repository belongs to.

An example with every setting explained ships as `sources.example.yml`. Errors name the
file and the setting (e.g. `sources.yml: github.organisations[2].forks: ...`).
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from etl import config
from etl.shared import yamlfile

POLICIES = ("include", "exclude")
DEFAULT_API_URL = "https://api.github.com"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or holds a wrong setting."""


@dataclass(frozen=True)
class OrgSource:
    name: str
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    forks: str = "exclude"
    archived: str = "include"
    team: str | None = None

    def wants(self, name: str, *, fork: bool, archived: bool) -> bool:
        """Whether a repository of this organisation is loaded, by name pattern and policy."""
        if fork and self.forks == "exclude" or archived and self.archived == "exclude":
            return False
        lowered = name.lower()
        return (any(fnmatch.fnmatchcase(lowered, p.lower()) for p in self.include)
                and not any(fnmatch.fnmatchcase(lowered, p.lower()) for p in self.exclude))


@dataclass(frozen=True)
class RepoSource:
    full_name: str
    team: str | None = None


@dataclass(frozen=True)
class TeamRule:
    team: str
    repositories: tuple[str, ...] = ()  # patterns on owner/name
    topics: tuple[str, ...] = ()
    organisation: str | None = None

    def matches(self, full_name: str, topics: list[str]) -> bool:
        lowered = full_name.lower()
        if any(fnmatch.fnmatchcase(lowered, p.lower()) for p in self.repositories):
            return True
        if self.topics and {t.lower() for t in topics} & {t.lower() for t in self.topics}:
            return True
        return self.organisation is not None and lowered.split("/")[0] == self.organisation.lower()


@dataclass(frozen=True)
class GitHubSettings:
    api_url: str = DEFAULT_API_URL
    seconds_between_requests: float = 0.25
    max_rate_limit_wait: float = 300
    retry_backoff: float = 1.0
    organisations: tuple[OrgSource, ...] = ()
    repositories: tuple[RepoSource, ...] = ()


@dataclass(frozen=True)
class GitSource:
    """A local clone, or a folder of clones, read by the git source."""
    path: Path
    team: str | None = None


@dataclass(frozen=True)
class SourcesConfig:
    path: Path | None
    teams_file: Path
    records_dir: Path = config.DATA_DIR / "projects"
    needs_dir: Path | None = None  # None: the needs folder beside records_dir
    github: GitHubSettings = field(default_factory=GitHubSettings)
    team_rules: tuple[TeamRule, ...] = ()
    git: tuple[GitSource, ...] = ()

    @property
    def has_github(self) -> bool:
        return bool(self.github.organisations or self.github.repositories)

    def team_for(self, full_name: str, topics: list[str]) -> str | None:
        """The team owning a repository: its own listing, then the rules in order, then its organisation."""
        lowered = full_name.lower()
        for repo in self.github.repositories:
            if repo.full_name.lower() == lowered and repo.team:
                return repo.team
        for rule in self.team_rules:
            if rule.matches(full_name, topics):
                return rule.team
        owner = lowered.split("/")[0]
        for org in self.github.organisations:
            if org.name.lower() == owner and org.team:
                return org.team
        return None

    def referenced_teams(self) -> set[str]:
        teams = {r.team for r in self.team_rules}
        teams |= {o.team for o in self.github.organisations if o.team}
        teams |= {r.team for r in self.github.repositories if r.team}
        teams |= {g.team for g in self.git if g.team}
        return teams


def default_path() -> Path:
    return Path(os.environ.get("DSA_CONFIG") or config.ROOT / "sources.yml")


def load(path: Path | None) -> SourcesConfig:
    """Read and check a sources file; None gives an empty configuration (command-line sources only)."""
    if path is None:
        return SourcesConfig(path=None, teams_file=config.DATA_DIR / "teams.yml")
    path = Path(path)
    raw = yamlfile.read(path, ConfigError, what="configuration file (copy sources.example.yml to start one)") or {}
    reader = _Reader(path)
    root = reader.mapping(raw, "", {"teams_file", "records_dir", "needs_dir", "github", "team_rules", "git"})
    teams_file = Path(reader.text(root.get("teams_file", "data/teams.yml"), "teams_file"))
    if not teams_file.is_absolute():  # relative to the configuration file, else to the project
        beside = path.resolve().parent / teams_file
        teams_file = beside if beside.exists() else config.ROOT / teams_file
    records_dir = Path(reader.text(root.get("records_dir", "data/projects"), "records_dir"))
    if not records_dir.is_absolute():
        beside = path.resolve().parent / records_dir
        records_dir = beside if beside.exists() else config.ROOT / records_dir
    needs_dir = Path(reader.text(root["needs_dir"], "needs_dir")) if root.get("needs_dir") is not None else None
    if needs_dir is not None and not needs_dir.is_absolute():
        beside = path.resolve().parent / needs_dir
        needs_dir = beside if beside.exists() else config.ROOT / needs_dir
    return SourcesConfig(
        path=path,
        teams_file=teams_file,
        records_dir=records_dir,
        needs_dir=needs_dir,
        github=_github(reader, root.get("github") or {}),
        team_rules=tuple(_rule(reader, r, f"team_rules[{i}]") for i, r in enumerate(reader.sequence(root.get("team_rules") or [], "team_rules"))),
        git=tuple(_git(reader, g, f"git[{i}]", path) for i, g in enumerate(reader.sequence(root.get("git") or [], "git"))),
    )


def _git(reader: _Reader, raw, where: str, config_path: Path) -> GitSource:
    g = reader.mapping(raw, where, {"path", "team"})
    folder = Path(reader.text(g.get("path"), f"{where}.path")).expanduser()
    if not folder.is_absolute():
        folder = config_path.resolve().parent / folder
    return GitSource(folder, reader.optional_text(g.get("team"), f"{where}.team"))


def _github(reader: _Reader, raw) -> GitHubSettings:
    g = reader.mapping(raw, "github", {"api_url", "seconds_between_requests", "max_rate_limit_wait", "retry_backoff", "forks",
                                        "archived", "organisations", "repositories"})
    forks = reader.choice(g.get("forks", "exclude"), "github.forks", POLICIES)
    archived = reader.choice(g.get("archived", "include"), "github.archived", POLICIES)
    orgs = []
    for i, item in enumerate(reader.sequence(g.get("organisations") or [], "github.organisations")):
        where = f"github.organisations[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        o = reader.mapping(item, where, {"name", "include", "exclude", "forks", "archived", "team"})
        orgs.append(OrgSource(
            name=reader.text(o.get("name"), f"{where}.name"),
            include=reader.patterns(o.get("include", ["*"]), f"{where}.include"),
            exclude=reader.patterns(o.get("exclude", []), f"{where}.exclude"),
            forks=reader.choice(o.get("forks", forks), f"{where}.forks", POLICIES),
            archived=reader.choice(o.get("archived", archived), f"{where}.archived", POLICIES),
            team=reader.optional_text(o.get("team"), f"{where}.team"),
        ))
    repos = []
    for i, item in enumerate(reader.sequence(g.get("repositories") or [], "github.repositories")):
        where = f"github.repositories[{i}]"
        if isinstance(item, str):
            item = {"full_name": item}
        r = reader.mapping(item, where, {"full_name", "team"})
        full_name = reader.text(r.get("full_name"), f"{where}.full_name")
        if full_name.count("/") != 1 or full_name.startswith("/") or full_name.endswith("/"):
            raise reader.error(f"{where}.full_name", f"{full_name!r} is not OWNER/NAME")
        repos.append(RepoSource(full_name, reader.optional_text(r.get("team"), f"{where}.team")))
    return GitHubSettings(
        api_url=reader.text(g.get("api_url", DEFAULT_API_URL), "github.api_url").rstrip("/"),
        seconds_between_requests=reader.number(g.get("seconds_between_requests", 0.25), "github.seconds_between_requests"),
        max_rate_limit_wait=reader.number(g.get("max_rate_limit_wait", 300), "github.max_rate_limit_wait"),
        retry_backoff=reader.number(g.get("retry_backoff", 1.0), "github.retry_backoff"),
        organisations=tuple(orgs),
        repositories=tuple(repos),
    )


def _rule(reader: _Reader, raw, where: str) -> TeamRule:
    r = reader.mapping(raw, where, {"team", "repositories", "topics", "organisation"})
    rule = TeamRule(
        team=reader.text(r.get("team"), f"{where}.team"),
        repositories=reader.patterns(r.get("repositories", []), f"{where}.repositories"),
        topics=reader.patterns(r.get("topics", []), f"{where}.topics"),
        organisation=reader.optional_text(r.get("organisation"), f"{where}.organisation"),
    )
    if not (rule.repositories or rule.topics or rule.organisation):
        raise reader.error(where, "a rule needs repositories, topics or organisation to match on")
    return rule


class _Reader:
    """Typed access to parsed YAML with errors that name the file and the setting."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, where: str, what: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where or 'top level'}: {what}")

    def mapping(self, value, where: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.error(where, f"expected a mapping of settings, got {type(value).__name__}")
        unknown = set(value) - allowed
        if unknown:
            raise self.error(where, f"unknown setting(s) {', '.join(sorted(map(str, unknown)))}; "
                                    f"expected {', '.join(sorted(allowed))}")
        return value

    def sequence(self, value, where: str) -> list:
        if not isinstance(value, list):
            raise self.error(where, f"expected a list, got {type(value).__name__}")
        return value

    def text(self, value, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(where, f"expected text, got {value!r}")
        return value.strip()

    def optional_text(self, value, where: str) -> str | None:
        return None if value is None else self.text(value, where)

    def number(self, value, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise self.error(where, f"expected a number of seconds (0 or more), got {value!r}")
        return float(value)

    def choice(self, value, where: str, choices: tuple[str, ...]) -> str:
        if value not in choices:
            raise self.error(where, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def patterns(self, value, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        return tuple(self.text(v, f"{where}[{i}]") for i, v in enumerate(self.sequence(value, where)))


def with_command_line(cfg: SourcesConfig, orgs: list[str], repos: list[str], git: list[str] = ()) -> SourcesConfig:
    """The configuration plus organisations, repositories and git folders named on the command line."""
    import dataclasses

    reader = _Reader(Path("command line"))
    extra_orgs = tuple(OrgSource(name=o) for o in orgs if o.lower() not in {x.name.lower() for x in cfg.github.organisations})
    extra_repos = []
    for r in repos:
        if r.count("/") != 1 or r.startswith("/") or r.endswith("/"):
            raise reader.error("--repo", f"{r!r} is not OWNER/NAME")
        if r.lower() not in {x.full_name.lower() for x in cfg.github.repositories}:
            extra_repos.append(RepoSource(r))
    github = dataclasses.replace(cfg.github, organisations=cfg.github.organisations + extra_orgs,
                                 repositories=cfg.github.repositories + tuple(extra_repos))
    extra_git = tuple(GitSource(Path(g).expanduser().resolve()) for g in git)
    return dataclasses.replace(cfg, github=github, git=cfg.git + extra_git)
