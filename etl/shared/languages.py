"""Bytes per language from a repository's files, the way GitHub Linguist counts them: by file
extension (and a few file names), over programming and markup languages only, leaving out
vendored code, documentation and generated files.

The table follows the names in Linguist's languages.yml for the languages data-science
repositories hold, so the git source and the GitHub source report the same names. Linguist
tells SQL dialects apart by their content; a `.sql` file here is "TSQL" when it uses SQL
Server's syntax (GO batches, square brackets, NVARCHAR, TOP n) and "SQL" otherwise, which is
close to what GitHub shows for NHS repositories.
"""
from __future__ import annotations

import re

# Extension (lower case, with the dot) -> Linguist language name.
EXTENSIONS = {
    ".py": "Python", ".pyw": "Python", ".pyi": "Python", ".pyx": "Cython", ".pxd": "Cython",
    ".ipynb": "Jupyter Notebook",
    ".r": "R", ".rd": "R", ".rmd": "RMarkdown", ".qmd": "Quarto",
    ".sas": "SAS", ".do": "Stata", ".ado": "Stata", ".jl": "Julia", ".m": "MATLAB", ".scala": "Scala",
    ".java": "Java", ".kt": "Kotlin", ".kts": "Kotlin", ".groovy": "Groovy", ".gradle": "Groovy",
    ".cs": "C#", ".fs": "F#", ".vb": "Visual Basic .NET", ".ps1": "PowerShell", ".psm1": "PowerShell",
    ".c": "C", ".h": "C", ".cpp": "C++", ".cc": "C++", ".hpp": "C++", ".cxx": "C++", ".cu": "Cuda",
    ".go": "Go", ".rs": "Rust", ".rb": "Ruby", ".php": "PHP", ".pl": "Perl", ".lua": "Lua", ".swift": "Swift",
    ".js": "JavaScript", ".mjs": "JavaScript", ".cjs": "JavaScript", ".jsx": "JavaScript",
    ".ts": "TypeScript", ".tsx": "TypeScript", ".vue": "Vue", ".svelte": "Svelte",
    ".html": "HTML", ".htm": "HTML", ".css": "CSS", ".scss": "SCSS", ".sass": "Sass", ".less": "Less",
    ".njk": "Nunjucks", ".jinja": "Jinja", ".j2": "Jinja", ".liquid": "Liquid",
    ".sh": "Shell", ".bash": "Shell", ".zsh": "Shell", ".bat": "Batchfile", ".cmd": "Batchfile",
    ".tf": "HCL", ".hcl": "HCL", ".bicep": "Bicep", ".dockerfile": "Dockerfile",
    ".tex": "TeX", ".sty": "TeX", ".bib": "BibTeX",
    ".dax": "DAX", ".m4": "M4", ".awk": "Awk", ".sed": "sed",
    ".sql": "SQL", ".tsql": "TSQL", ".pgsql": "PLpgSQL", ".plsql": "PLSQL",
}
FILENAMES = {"Dockerfile": "Dockerfile", "Makefile": "Makefile", "makefile": "Makefile", "GNUmakefile": "Makefile",
             "Rakefile": "Ruby", "Jenkinsfile": "Groovy", "Snakefile": "Snakemake", "Vagrantfile": "Ruby"}

# Linguist's vendor.yml and documentation.yml, the patterns that matter in these repositories.
EXCLUDED = re.compile(
    r"(^|/)(node_modules|bower_components|vendor|vendors|third[-_]party|3rdparty|site-packages|\.venv|venv|env|"
    r"\.tox|\.eggs|dist|build|_build|site|htmlcov|__pycache__|\.ipynb_checkpoints|renv/library|packrat/lib|"
    r"docs?|Documentation|man|examples?/data)/"
    r"|(^|/)(jquery|bootstrap|d3|plotly|modernizr|require)([.-][\w.-]*)?\.(min\.)?(js|css)$"
    r"|\.min\.(js|css)$|\.(js|css)\.map$"
    r"|(^|/)(README|CHANGELOG|CHANGES|CONTRIBUTING|LICEN[CS]E|COPYING|NEWS|AUTHORS)(\.\w+)?$",
    re.IGNORECASE)
_TSQL = re.compile(rb"(?im)^\s*go\s*$|\[[a-z_][\w ]*\]\.\[|\bnvarchar\b|\bselect\s+top\s+\(?\d|\bisnull\s*\(|\bgetdate\s*\(")


def language_of(path: str) -> str | None:
    """The language a file counts for, or None (not code, vendored, documentation)."""
    if EXCLUDED.search(path):
        return None
    name = path.rsplit("/", 1)[-1]
    if name in FILENAMES:
        return FILENAMES[name]
    dot = name.rfind(".")
    return EXTENSIONS.get(name[dot:].lower()) if dot > 0 else None


def sql_dialect(content: bytes) -> str:
    return "TSQL" if _TSQL.search(content[:200_000]) else "SQL"


def bytes_per_language(files: list[tuple[str, str, int]], read) -> dict[str, int]:
    """{language: bytes} for (path, blob sha, size) files; `read(shas)` gives the content of
    .sql files, to tell T-SQL from other SQL."""
    totals: dict[str, int] = {}
    sql = []
    for path, sha, size in files:
        language = language_of(path)
        if language == "SQL":
            sql.append((sha, size))
        elif language:
            totals[language] = totals.get(language, 0) + size
    if sql:
        contents = read([sha for sha, _ in sql])
        for sha, size in sql:
            language = sql_dialect(contents.get(sha, b""))
            totals[language] = totals.get(language, 0) + size
    return {k: v for k, v in totals.items() if v > 0}
