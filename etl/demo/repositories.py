"""The demo's repositories: their specifications (team, kind, project, when created, when
quiet, archived) from data/demo/repositories.yml and the project records, and what a
repository holds besides commits: languages, dependency manifests, topics, published
packages, and its repositories-table row."""
from __future__ import annotations

import datetime as dt
import math
import random

from etl.demo.settings import COMMITS_FROM, COMMITS_TO, rand_date

#: The Hub's shared library: newer repositories depend on it, and dependabot keeps it current.
TOOLKIT = "nhsengland/ds-toolkit"
_RATE_SCALE = 4.1  # commits per active week of a typical repository
# A project that stopped before the commit window: its repositories had a last tidy-up then.
_TIDY_IF_STOPPED_BEFORE = dt.date(2023, 10, 20)
_TIDY_FROM, _TIDY_TO = dt.date(2023, 11, 1), dt.date(2024, 3, 29)

# Dependencies a repository's purpose calls for, besides those drawn for its kind: so that what
# the tech radar (data/radar.yml) says to trial is what some teams do.
_CHOSEN = {
    "nhsengland/ds-toolkit": ["ruff", "polars", "pytest", "mypy"],
    "nhsengland/pprl-toolkit": ["ruff", "polars"],
    "nhsx/complaints-redaction": ["presidio-analyzer"],
    "nhsengland/incident-text-classifier": ["presidio-analyzer"],
}
# Dependencies per kind of repository: every package of a base list, a sample of its extras.
_DEPS = {
    "ml": ["pandas", "numpy", "scikit-learn", "matplotlib"],
    "ml_extra": ["xgboost", "lightgbm", "shap", "mlflow", "seaborn", "statsmodels", "scipy", "jupyter", "pytest",
                 "plotly", "optuna", "pyarrow", "sqlalchemy", "pyodbc", "tqdm", "pyyaml"],
    "forecast": ["prophet", "statsmodels", "sktime"],
    "sim": ["simpy", "scipy"],
    "nlp": ["pandas", "numpy", "torch", "transformers", "scikit-learn"],
    "nlp_extra": ["spacy", "nltk", "datasets", "sentence-transformers", "tokenizers", "presidio-analyzer",
                  "pytest", "accelerate", "evaluate", "gensim", "bertopic", "tqdm"],
    "llm": ["openai", "tiktoken", "langchain", "ragas"],
    "imaging": ["torch", "torchvision", "monai", "pydicom", "numpy"],
    "imaging_extra": ["opencv-python", "scikit-image", "pillow", "matplotlib", "nibabel", "simpleitk",
                      "albumentations", "pytest", "pandas", "timm", "mlflow"],
    "lib": ["pandas", "numpy", "pydantic"],
    "lib_extra": ["pytest", "sqlalchemy", "pyarrow", "matplotlib", "click", "pyyaml", "requests", "hypothesis",
                  "ruff", "mypy", "pre-commit", "polars"],
    "sql": ["pandas", "sqlalchemy", "pyodbc"],
    "sql_extra": ["great-expectations", "pytest", "pyspark", "databricks-connect", "dbt-core", "dbt-sqlserver",
                  "pyyaml", "openpyxl", "python-dotenv"],
    "dash_streamlit": ["streamlit", "plotly", "pandas"],
    "dash_dash": ["dash", "plotly", "pandas", "gunicorn"],
    "dash_api": ["fastapi", "uvicorn", "pydantic", "pandas"],
    "dash_extra": ["duckdb", "altair", "pytest", "dash-bootstrap-components", "pyarrow", "requests", "sqlalchemy"],
    "r": ["dplyr", "ggplot2", "lubridate", "tidyr", "testthat"],
    "r_extra": ["tidyverse", "data.table", "rmarkdown", "knitr", "NHSRplotthedots", "janitor", "here", "odbc",
                "DBI", "readxl", "scales", "purrr", "forecast", "fable", "targets", "shiny", "glue",
                "survival", "gt", "sf"],
    "npm": ["react", "react-dom", "d3"],
    "npm_extra": ["plotly.js", "typescript", "vite", "nhsuk-frontend", "@types/react", "eslint", "vitest",
                  "prettier", "@tanstack/react-query", "date-fns", "papaparse"],
    "mkdocs": ["mkdocs", "mkdocs-material"],
    "mkdocs_extra": ["mkdocstrings", "mkdocs-jupyter", "pymdown-extensions", "mike"],
    "eleventy": ["@11ty/eleventy", "nhsuk-frontend", "sass"],
    "conda": ["python", "pandas", "numpy", "scikit-learn", "pip", "jupyterlab"],
    "notebooks": ["pandas", "numpy", "matplotlib", "seaborn", "scikit-learn"],
}
_PY_SPECS = [">=2.0", ">=1.5,<3", "==1.3.2", "~=1.2", ">=0.4", "==2.1.4", ">=4.30", "<2.0", ">=1.24"]
# Realistic constraints for the libraries the Tech stack page follows across major versions;
# older majors linger in some repositories, as they do in any estate.
_KEY_SPECS = {
    "pandas": ["==1.3.5", ">=1.5,<2", "==2.1.4", ">=2.0", "~=2.2"],
    "numpy": ["==1.21.6", ">=1.24,<2", "==1.26.4", ">=2.0", "~=2.1"],
    "scikit-learn": ["==0.24.2", ">=1.0", "==1.3.2", "~=1.5"],
    "torch": ["==1.13.1", ">=2.0", "==2.3.1", "~=2.4"],
    "matplotlib": ["==3.5.3", ">=3.7", "~=3.8"],
    "sqlalchemy": ["==1.4.46", ">=1.4,<2", ">=2.0", "~=2.0"],
    "pydantic": ["==1.10.13", ">=1.10,<2", ">=2.0", "~=2.7"],
    "streamlit": ["==1.12.0", ">=1.30", "~=1.40"],
    "plotly": ["==4.14.3", "==5.13.1", ">=5.18", ">=6.0"],
    "transformers": ["==4.30.2", ">=4.40", "~=4.44"],
}
_R_SPECS = [">= 1.1.0", ">= 3.4.0", ">= 1.0.0", ">= 0.3.0"]
_NPM_SPECS = ["^18.2.0", "^7.8.0", "^2.27.0", "~5.4.0", "^1.6.0", "^9.0.0", "^3.0.1"]



def slug(text: str) -> str:
    """Text as a GitHub topic: lower case, anything but letters and digits as hyphens."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def stage_at(stages: list[tuple[str, dt.date]] | None, d: dt.date) -> str | None:
    """A project's stage on day `d` (its first stage before it began); None without a project."""
    if not stages:
        return None
    current = stages[0][0]
    for stage, since in stages:
        if since <= d:
            current = stage
    return current


def specs(rng: random.Random, hints: dict, project_records: list[dict], teams: list[dict]) -> list[dict]:
    """Every repository, in the order of repositories.yml, with its team, kind, activity window,
    project stages and who besides its team works on it."""
    by_id = {r["id"]: r for r in project_records}
    ended = {t["team_id"]: t["ended_on"] for t in teams}
    successor = {t["team_id"]: t["successor_team_id"] for t in teams}
    out = []
    for hint in hints["repositories"]:
        record = by_id.get(hint["project"])
        spec = {"full_name": hint["full_name"], "team": hint["team"], "kind": hint["kind"],
                "description": hint["description"], "project": hint["project"], "extras": hint["extras"],
                "tidy": False}
        if record is None:
            spec.update(created=hint["created"], end=hint["active_until"] or COMMITS_TO, archived=hint["archived"],
                        stages=None, techniques=[], partners=[])
        else:
            stages = [(s["stage"], s["date"]) for s in record["stages"]]
            # A record's partner teams advise, fund or lend data; their people commit only where
            # the hints say so (contributors_from).
            spec.update(_window(rng, stages, hint["created_in"], hints["stages"]), stages=stages,
                        techniques=list((record.get("tags") or {}).get("technique", [])), partners=[])
            if hint["active_until"]:  # a project that stalled: its code went quiet before its record moved
                spec["end"] = min(spec["end"], hint["active_until"])
        if "contributors_from" in spec["extras"]:
            spec["partners"] = list(spec["extras"]["contributors_from"])
        since = max(spec["created"], COMMITS_FROM)
        # A team that had ended lends no people; its successor looks after its code.
        spec["partners"] = [t for t in spec["partners"] if not (ended[t] and ended[t] <= since)]
        team = spec["team"]
        spec["staff_team"] = successor[team] if team is not None and ended[team] and ended[team] <= since else team
        out.append(spec)
    return out


def _window(rng: random.Random, stages: list[tuple[str, dt.date]], created_in: str, stage_hints: dict) -> dict:
    """When a project's repository was created, when its commits stop, and whether it is archived."""
    created = dict(stages)[created_in] + dt.timedelta(days=rng.randint(0, 30))
    created = min(created, COMMITS_TO - dt.timedelta(days=10))
    final_stage, final_date = stages[-1]
    closing = stage_hints[final_stage]
    end, tidy = COMMITS_TO, False
    if "stops_within_days" in closing:
        end = final_date + dt.timedelta(days=rng.randint(0, closing["stops_within_days"]))
    if closing["archived"] and end < _TIDY_IF_STOPPED_BEFORE:
        end, tidy = rand_date(rng, _TIDY_FROM, _TIDY_TO), True
    return {"created": created, "end": end, "archived": closing["archived"], "tidy": tidy}


def weekly_rate(rng: random.Random, spec: dict, hints: dict) -> float:
    """Commits in a typical active week of the repository."""
    return (_RATE_SCALE * hints["kinds"][spec["kind"]]["activity"] * rng.lognormvariate(0, 0.4)
            * spec["extras"].get("activity", 1.0) * (0.25 if spec["tidy"] else 1.0))


def stage_activity(spec: dict, hints: dict, day: dt.date) -> float:
    """Factor on the repository's commits in the week of `day`, from its project's stage then."""
    if spec["tidy"]:
        return 1.0
    if spec["stages"] is None:
        return hints["without_project"]["activity"]
    return hints["stages"][stage_at(spec["stages"], day)]["activity"]


def toolkit_users(rng: random.Random, specs: list[dict]) -> list[str]:
    """Repositories that depend on the toolkit: a sample of the newer Python ones."""
    users = [s["full_name"] for s in specs
             if s["kind"] in ("ml", "nlp", "sql", "dash_py", "lib") and s["full_name"] != TOOLKIT
             and s["created"] >= dt.date(2022, 6, 1)]
    return rng.sample(users, min(14, len(users)))


def repository_row(rng: random.Random, spec: dict, hints: dict, primary: str, created_at: dt.datetime,
                   commits: list[dict]) -> dict:
    """The repository's row: GitHub's metadata, plausible for its kind and its project's stage."""
    full_name, kind = spec["full_name"], spec["kind"]
    org, name = full_name.split("/")
    if spec["stages"] is None:
        stars_median = hints["without_project"]["stars"]
    else:
        stars_median = hints["stages"][stage_at(spec["stages"], COMMITS_TO)]["stars"]
    popular = rng.lognormvariate(math.log(stars_median), 1.0)
    stars = int(popular * (2.5 if kind in ("lib", "docs") else 1.0))
    license_ = ("Apache-2.0" if spec["extras"].get("fork") else
                None if kind == "notebooks" or rng.random() < 0.05 else
                "OGL-UK-3.0" if kind == "docs" and rng.random() < 0.7 else
                "GPL-3.0-only" if kind == "r" and rng.random() < 0.15 else
                "Apache-2.0" if rng.random() < 0.12 else "MIT")
    old = spec["created"] < dt.date(2021, 1, 1)
    return {
        "full_name": full_name, "org": org, "name": name, "description": spec["description"],
        "primary_language": primary, "stars": stars, "forks": int(stars * rng.uniform(0.1, 0.4)),
        "open_issues": 0 if spec["archived"] else int(rng.lognormvariate(math.log(3), 0.9)),
        "license": license_, "archived": spec["archived"], "is_fork": bool(spec["extras"].get("fork")),
        "created_at": created_at, "pushed_at": commits[-1]["authored_at"] if commits else created_at,
        "default_branch": "master" if (old and rng.random() < 0.7) or rng.random() < 0.06 else "main",
        "topics": topics(rng, spec, primary), "team_id": spec["team"], "source": "demo",
        "html_url": f"https://github.com/{full_name}",
    }


def languages(rng: random.Random, spec: dict) -> tuple[str, dict[str, int]]:
    kind = spec["kind"]
    size = int(rng.lognormvariate(math.log(180_000), 0.8)) + 5_000

    def frac(lo, hi):
        return int(size * rng.uniform(lo, hi))

    langs: dict[str, int] = {}
    if kind in ("ml", "nlp", "imaging"):
        primary = "Jupyter Notebook" if rng.random() < 0.12 else "Python"
        other = "Python" if primary == "Jupyter Notebook" else "Jupyter Notebook"
        langs = {primary: size, other: frac(0.1, 0.85), "Shell": frac(0.005, 0.04)}
        if rng.random() < 0.6:
            langs["Dockerfile"] = frac(0.002, 0.015)
        if rng.random() < 0.3:
            langs["Makefile"] = frac(0.002, 0.01)
    elif kind == "lib":
        primary = "Python"
        langs = {"Python": size, "Makefile": frac(0.002, 0.01), "Shell": frac(0.003, 0.02)}
        if rng.random() < 0.4:
            langs["Jupyter Notebook"] = frac(0.05, 0.4)
    elif kind == "notebooks":
        primary = "Jupyter Notebook"
        langs = {primary: size * 3, "Python": frac(0.02, 0.2)}
    elif kind == "r":
        primary = "R"
        langs = {"R": size, "HTML": frac(0.05, 0.7), "CSS": frac(0.01, 0.08)}
        if rng.random() < 0.3:
            langs["JavaScript"] = frac(0.005, 0.05)
        if rng.random() < 0.1:
            langs["TeX"] = frac(0.01, 0.05)
    elif kind == "sql":
        primary = "TSQL" if rng.random() < 0.6 else "Python"
        other = "Python" if primary == "TSQL" else "TSQL"
        langs = {primary: size, other: frac(0.1, 0.8), "Shell": frac(0.005, 0.03)}
        if rng.random() < 0.2:
            langs["PowerShell"] = frac(0.005, 0.03)
    elif kind == "dash_py":
        primary = "Python"
        langs = {"Python": size, "CSS": frac(0.01, 0.15), "HTML": frac(0.01, 0.1)}
        if rng.random() < 0.5:
            langs["Dockerfile"] = frac(0.002, 0.01)
        if rng.random() < 0.3:
            langs["JavaScript"] = frac(0.01, 0.1)
    elif kind == "dash_js":
        primary = "TypeScript" if rng.random() < 0.6 else "JavaScript"
        langs = {primary: size, "CSS": frac(0.03, 0.25), "HTML": frac(0.01, 0.1)}
        if primary == "TypeScript":
            langs["JavaScript"] = frac(0.01, 0.1)
        if rng.random() < 0.4:
            langs["SCSS"] = frac(0.02, 0.15)
    elif kind == "docs":
        primary = "HTML"
        langs = {"HTML": size // 3 + 2_000, "CSS": int(size / 3 * rng.uniform(0.1, 0.6)),
                 "JavaScript": int(size / 3 * rng.uniform(0.05, 0.5))}
        if rng.random() < 0.5:
            langs["Python"] = int(size / 3 * rng.uniform(0.01, 0.1))
    else:  # java fork
        primary = "Java"
        langs = {"Java": size * 8, "JavaScript": frac(0.05, 0.2), "Shell": frac(0.005, 0.02), "FreeMarker": frac(0.01, 0.05)}
    langs = {k: max(v, 120) for k, v in langs.items()}
    top = langs[primary]
    for k in langs:
        if k != primary and langs[k] >= top:
            langs[k] = int(top * 0.9)
    return primary, langs


def dependencies(rng: random.Random, spec: dict, uses_toolkit: bool) -> list[dict]:
    kind, name, full_name = spec["kind"], spec["full_name"].split("/")[1], spec["full_name"]
    rows: dict[tuple[str, str], dict] = {}

    def add(manifest, ecosystem, packages, specs, inferred=False):
        for pkg in packages:
            if (manifest, pkg) in rows:
                continue
            version = None if inferred or rng.random() < 0.25 else rng.choice(specs)
            if version and pkg in _KEY_SPECS:
                # A separate generator, so the rest of the demo stays as it was.
                version = random.Random(f"{full_name}:{manifest}:{pkg}").choice(_KEY_SPECS[pkg])
            rows[(manifest, pkg)] = {"full_name": full_name, "manifest_path": manifest, "ecosystem": ecosystem,
                                     "package": pkg, "version_spec": version, "inferred": inferred}

    def pick(base, extra, lo, hi):
        return list(_DEPS[base]) + rng.sample(_DEPS[extra], rng.randint(lo, hi))

    py_manifest = "pyproject.toml" if rng.random() < 0.3 else "requirements.txt"
    if spec["extras"].get("no_manifest"):
        # A prototype with no manifest: dependencies found from its imports.
        extra = {"nlp": ["sentence-transformers"], "imaging": ["torch", "pydicom"]}.get(kind, ["statsmodels"])
        add("src/model.py", "pypi", ["pandas", "numpy"] + extra, [], inferred=True)
        add("notebooks/exploration.ipynb", "pypi", ["pandas", "matplotlib", "seaborn"], [], inferred=True)
        return list(rows.values())
    if kind == "ml":
        pkgs = pick("ml", "ml_extra", 2, 6)
        if any(w in name for w in ("forecast", "demand", "capacity")):
            pkgs += rng.sample(_DEPS["forecast"], 2)
        if any(w in name for w in ("sim", "capacity", "allocation")):
            pkgs += _DEPS["sim"]
        add(py_manifest, "pypi", pkgs, _PY_SPECS)
        if rng.random() < 0.15:
            add("environment.yml", "conda", _DEPS["conda"], ["=3.11", ">=3.10", "=2.1"])
        if rng.random() < 0.2:
            add("src/api/requirements.txt", "pypi", _DEPS["dash_api"], _PY_SPECS)
    elif kind == "nlp":
        pkgs = pick("nlp", "nlp_extra", 2, 6)
        if "llm" in name or "summar" in name or "complaints" in name or "search" in name:
            pkgs += rng.sample(_DEPS["llm"], 2)
        add(py_manifest, "pypi", pkgs, _PY_SPECS)
    elif kind == "imaging":
        add(py_manifest, "pypi", pick("imaging", "imaging_extra", 3, 7), _PY_SPECS)
        if rng.random() < 0.2:
            add("environment.yml", "conda", _DEPS["conda"] + ["pytorch"], ["=3.10", ">=2.1"])
    elif kind == "lib":
        add("pyproject.toml", "pypi", pick("lib", "lib_extra", 2, 6), _PY_SPECS)
        if rng.random() < 0.5:
            add("docs/requirements.txt", "pypi", pick("mkdocs", "mkdocs_extra", 1, 2), _PY_SPECS)
    elif kind == "sql":
        add("requirements.txt", "pypi", pick("sql", "sql_extra", 2, 5), _PY_SPECS)
    elif kind == "dash_py":
        flavour = "dash_api" if "api" in name else rng.choice(["dash_streamlit", "dash_streamlit", "dash_dash"])
        add(py_manifest, "pypi", list(_DEPS[flavour]) + rng.sample(_DEPS["dash_extra"], rng.randint(1, 3)), _PY_SPECS)
    elif kind == "dash_js":
        manifest = "app/package.json" if rng.random() < 0.3 else "package.json"
        add(manifest, "npm", pick("npm", "npm_extra", 3, 7), _NPM_SPECS)
    elif kind == "docs":
        if rng.random() < 0.5:
            add("requirements.txt", "pypi", pick("mkdocs", "mkdocs_extra", 1, 3), _PY_SPECS)
        else:
            add("package.json", "npm", _DEPS["eleventy"], _NPM_SPECS)
    elif kind == "r":
        pkgs = pick("r", "r_extra", 3, 8)
        if "dashboard" in name or "app" in name:
            pkgs.append("shiny")
        if rng.random() < 0.55:
            add("DESCRIPTION", "cran", pkgs, _R_SPECS)
        else:
            add("renv.lock", "cran", pkgs, ["==1.1.4", "==3.5.1", "==1.9.3", "==2.25", "==0.4.2"])
    elif kind == "notebooks":
        add("notebooks/01_exploration.ipynb", "pypi", rng.sample(_DEPS["notebooks"], 4), [], inferred=True)
        add("notebooks/02_model.ipynb", "pypi", ["pandas", "scikit-learn", "torch" if "imaging" in name else "xgboost"], [], inferred=True)
    # kind "java": its Gradle build is not a manifest the ETL reads.
    if full_name in _CHOSEN:
        add("pyproject.toml" if kind == "lib" else py_manifest, "pypi", _CHOSEN[full_name], _PY_SPECS)
    if uses_toolkit:
        manifest = "pyproject.toml" if kind == "lib" else ("requirements.txt" if kind == "sql" else py_manifest)
        add(manifest, "pypi", ["ds-toolkit"], [">=0.4", ">=1.0", "~=1.2", ">=1.3,<2"])
    return list(rows.values())


def topics(rng: random.Random, spec: dict, primary: str) -> list[str]:
    if "topics" in spec["extras"]:
        return list(spec["extras"]["topics"])
    if rng.random() < 0.25:
        return []
    topics = ["nhs"]
    kind_topics = {"ml": ["machine-learning"], "nlp": ["nlp"], "imaging": ["medical-imaging", "deep-learning"],
                   "lib": ["python-package"], "dash_py": ["dashboard"], "dash_js": ["dashboard", "data-visualisation"],
                   "r": ["rstats"], "sql": ["data-pipeline"], "docs": ["documentation"],
                   "notebooks": ["tutorial"], "java": ["synthetic-data"]}
    topics += ["api"] if spec["full_name"].endswith("-api") else kind_topics[spec["kind"]]
    for technique in spec["techniques"][:2]:
        tag = slug(technique)
        if tag not in topics:
            topics.append(tag)
    lang = {"Python": "python", "R": "r", "TypeScript": "typescript", "JavaScript": "javascript", "TSQL": "sql"}.get(primary)
    if lang and lang not in topics and rng.random() < 0.6:
        topics.append(lang)
    if spec["kind"] not in ("notebooks", "java") and rng.random() < 0.3:
        topics.append("rap")
    return topics


def published_packages(specs: list[dict], dependencies: list[dict]) -> list[dict]:
    """Packages the Assembly's own library repositories publish (the name in their pyproject.toml
    or DESCRIPTION); other teams depending on them is shared internal code."""
    rows = []
    for spec in specs:
        manifests = {d["manifest_path"] for d in dependencies if d["full_name"] == spec["full_name"]}
        name = spec["full_name"].split("/")[1]
        if spec["kind"] == "lib" and "pyproject.toml" in manifests:
            rows.append({"full_name": spec["full_name"], "ecosystem": "pypi", "package": name,
                         "manifest_path": "pyproject.toml"})
        elif spec["kind"] == "r" and "DESCRIPTION" in manifests:
            package = "NHSR" + "".join(w.capitalize() for w in name.split("-"))
            rows.append({"full_name": spec["full_name"], "ecosystem": "cran", "package": package,
                         "manifest_path": "DESCRIPTION"})
    # Besides the toolkit, two libraries travel: the Analytics Unit's R reporting templates
    # and the Hub's data-quality rules (a generator of its own keeps the rest as it was).
    rng = random.Random("demo internal packages")
    owner = {r["package"]: r["full_name"] for r in rows}
    team_of = {spec["full_name"]: spec["team"] for spec in specs}
    for package, ecosystem, manifest, n in (("NHSRAuReportingTemplates", "cran", "DESCRIPTION", 4),
                                            ("dq-rules-library", "pypi", "requirements.txt", 3)):
        if package not in owner:
            continue
        users = sorted({d["full_name"] for d in dependencies if d["manifest_path"] == manifest
                        and team_of.get(d["full_name"]) not in (None, team_of[owner[package]])})
        for full_name in rng.sample(users, min(n, len(users))):
            dependencies.append({"full_name": full_name, "manifest_path": manifest, "ecosystem": ecosystem,
                                 "package": package, "version_spec": None, "inferred": False})
    return rows

