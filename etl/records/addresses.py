"""Web and repository addresses in project records: what a record may give, and the
repository's host and path (its name in the warehouse) read from the address.

The rule for any address a record gives (address_problem): http:// or https://, a host name,
no user name or password, at most URL_MAX characters, and nothing that could turn the address
into something else where it is shown: no space, line break or invisible character; none of
the characters a URL may only hold percent-encoded (`<>"{}|\\^` and the backtick); square
brackets only around an IPv6 host; round brackets only in pairs. So an address such as
`https://example.org/a)![x](https://tracker.example/p.png)` (which would close a Markdown link
and add an image) is refused, with what is wrong and how to write it.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from etl.records.errors import show

URL_MAX = 2_000  # characters of a web or repository address

_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9-]+$")
_GITHUB_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_ENCODED_ONLY = '<>"{}|\\^`[]'  # RFC 3986: never literal in an address (brackets: only an IPv6 host)
_ENCODING = {"(": "%28", ")": "%29", "[": "%5B", "]": "%5D", "<": "%3C", ">": "%3E", '"': "%22", "{": "%7B",
             "}": "%7D", "|": "%7C", "\\": "%5C", "^": "%5E", "`": "%60"}


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:  # a bracket that is not an IPv6 host
        return None


def _looks_like_address(url: str) -> bool:
    """http:// or https:// (any case), then something where the host goes."""
    parts = _split(url)
    return (parts is not None and parts.scheme in ("http", "https") and bool(parts.netloc)
            and url[:len(parts.scheme) + 3].lower() == parts.scheme + "://")


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs", "Cn")


def _unbalanced(text: str) -> str | None:
    """The first round bracket without its partner, or None."""
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return ")"
            depth -= 1
    return "(" if depth else None


def unsafe_problem(url: str) -> str | None:
    """Why `url` (an http(s) address with a host) may not be given as it is, or None: too long,
    an invisible character, a character that must be percent-encoded, a lone round bracket, a
    user name or password, a host that is not a host name, a port that is not a number."""
    if len(url) > URL_MAX:
        return f"{show(url)} is {len(url):,} characters long; expected an address of at most {URL_MAX:,}"
    hidden = next((i for i, ch in enumerate(url) if _invisible(ch)), None)
    if hidden is not None:
        return (f"{show(url)} holds a space, line break or invisible character (character {hidden + 1}, "
                f"U+{ord(url[hidden]):04X}); an address has none: remove it, or write a space as %20")
    parts = _split(url)
    if parts is None:
        return f"{show(url)} has a square bracket that does not enclose an IPv6 host; write [ as %5B and ] as %5D"
    after_host = url[len(parts.scheme) + 3 + len(parts.netloc):]
    bad = sorted({ch for ch in after_host if ch in _ENCODED_ONLY}
                 | {ch for ch in parts.netloc.rpartition("@")[0] if ch in _ENCODED_ONLY})
    lone = _unbalanced(after_host)
    if bad or lone:
        held = [", ".join(repr(c) for c in bad) + " (never plain in an address)"] if bad else []
        held += [f"a {lone!r} without its partner"] if lone else []
        fix = ", ".join(f"{c} as {_ENCODING[c]}" for c in [*bad, *([lone] if lone else [])])
        why = " (a lone bracket can end a link and start another)" if lone else ""
        return (f"{show(url)} holds {' and '.join(held)}, which could turn it into Markdown or HTML where it is "
                f"shown{why}; write {fix}")
    if parts.username is not None or parts.password is not None:
        return f"{show(url)} holds a user name or password; give the address without them"
    return _host_problem(url, parts)


def _host_problem(url: str, parts) -> str | None:
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):  # an IPv6 literal: [::1] or [::1]:8080
        literal, _, rest = host[1:].partition("]")
        if not literal or not re.fullmatch(r"[0-9A-Fa-f:.]+", literal) or (rest and not rest.startswith(":")):
            return f"{show(url)} has {show(host)} where the host should be; expected a host name or [IPv6 address]"
        name = None
    else:
        name = host.rsplit(":", 1)[0] if ":" in host else host
    if name is not None:
        labels = name[:-1].split(".") if name.endswith(".") else name.split(".")
        if not name or not all(_HOST_LABEL.match(label) for label in labels) or len(name) > 253:
            return (f"{show(url)} has host {show(name)}, which is not a host name (letters, digits and hyphens "
                    "between dots; an international name in its xn-- form)")
    try:
        parts.port
    except ValueError:
        return f"{show(url)} has a port that is not a number from 0 to 65535"
    return None


def address_problem(url: str) -> str | None:
    """Why `url` is not a web address a record may give, or None if it is one: the rule of the
    module docstring (http or https, a host, nothing that is not plainly an address)."""
    if not _looks_like_address(url):
        return f"{show(url)} is not a web address (expected http:// or https:// and a host)"
    return unsafe_problem(url)


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
    if not _looks_like_address(text):
        raise ValueError(generic)
    problem = unsafe_problem(text)
    if problem:
        raise ValueError(problem)
    parts = urlsplit(text)
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
