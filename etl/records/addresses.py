"""Web and repository addresses in project records: what a record may give, and the
repository's host and path (its name in the warehouse) read from the address."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from etl.records.errors import show

_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9-]+$")
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def address_problem(url: str) -> str | None:
    """Why `url` is not a web address a record may give (http or https, a host, no user name
    or password), or None if it is one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", url):
        return f"{url!r} is not a web address (expected http:// or https:// and a host)"
    if parts.username or parts.password:
        return f"{url!r} holds a user name or password; give the address without them"
    return None


def parse_repository(url: str) -> dict:
    """{"url", "host", "full_name"} for a repository address; ValueError (a message) if it is not one.

    github.com: https://github.com/OWNER/NAME (".git" and a trailing /tree/... or /blob/... are dropped);
    GitLab (gitlab.com or a gitlab.* host): GROUP/[SUBGROUPS/]NAME, all kept in full_name;
    Azure DevOps: https://dev.azure.com/ORG/PROJECT/_git/REPO or https://ORG.visualstudio.com/PROJECT/_git/REPO,
    full_name ORG/PROJECT/REPO; any other host: a path of at least two segments (OWNER/NAME...).
    """
    text = url.strip() if isinstance(url, str) else url
    generic = f"{show(text)} is not a repository address (https://HOST/OWNER/NAME)"
    if not isinstance(text, str):
        raise ValueError(generic)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", text):
        raise ValueError(generic)
    if parts.username or parts.password:
        raise ValueError(f"{text!r} holds a user name or password; give the address without them")
    host = parts.hostname.lower()
    segments = [s for s in parts.path.split("/") if s]

    if host in ("github.com", "www.github.com"):
        if len(segments) > 2 and segments[2] in ("tree", "blob"):
            segments = segments[:2]
        if len(segments) == 2 and segments[1].endswith(".git"):
            segments[1] = segments[1][:-4]
        if (len(segments) != 2 or not _GITHUB_OWNER.match(segments[0]) or not _GITHUB_NAME.match(segments[1])
                or segments[1] in (".", "..")):
            raise ValueError(f"{text!r} is not a GitHub repository address (https://github.com/OWNER/NAME)")
        full_name = "/".join(segments)
        return {"url": f"https://github.com/{full_name}", "host": "github", "full_name": full_name}

    if host == "gitlab.com" or host.startswith("gitlab."):
        if "-" in segments:
            segments = segments[:segments.index("-")]
        if segments and segments[-1].endswith(".git"):
            segments[-1] = segments[-1][:-4]
        if len(segments) < 2 or not all(segments):
            raise ValueError(f"{text!r} is not a GitLab repository address "
                             f"(https://{host}/GROUP/NAME or https://{host}/GROUP/SUBGROUP/NAME)")
        full_name = "/".join(segments)
        return {"url": f"{parts.scheme}://{parts.netloc}/{full_name}", "host": "gitlab", "full_name": full_name}

    if host == "dev.azure.com" or host.endswith(".visualstudio.com"):
        if host == "dev.azure.com":
            org, rest = (segments[0], segments[1:]) if segments else ("", [])
        else:
            org, rest = host.split(".")[0], segments
            if rest and rest[0].lower() == "defaultcollection":
                rest = rest[1:]
        if not org or len(rest) < 3 or rest[1] != "_git" or not rest[0] or not rest[2]:
            raise ValueError(f"{text!r} is not an Azure DevOps repository address "
                             "(https://dev.azure.com/ORG/PROJECT/_git/REPO)")
        project, repo = rest[0], rest[2]
        url = (f"https://dev.azure.com/{org}/{project}/_git/{repo}" if host == "dev.azure.com"
               else f"https://{parts.netloc}/{project}/_git/{repo}")
        return {"url": url, "host": "azure-devops", "full_name": f"{org}/{project}/{repo}"}

    if segments and segments[-1].endswith(".git"):
        segments[-1] = segments[-1][:-4]
    if len(segments) < 2 or not all(segments):
        raise ValueError(generic)
    full_name = "/".join(segments)
    return {"url": f"{parts.scheme}://{parts.netloc}/{full_name}", "host": "other", "full_name": full_name}
