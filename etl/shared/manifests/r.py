"""R manifests: a package's DESCRIPTION file and renv.lock."""
from __future__ import annotations

import email.parser
import re

from etl.shared.manifests.common import Collector, line_of, load_json_object

_R_DEPENDENCY_FIELDS = ("Depends", "Imports", "LinkingTo", "Suggests")
_R_ITEM = re.compile(r"([A-Za-z][A-Za-z0-9.]*)\s*(?:\(\s*([^()]*?)\s*\))?")


def parse_description(out: Collector, text: str) -> None:
    """DESCRIPTION: the packages of Depends, Imports, LinkingTo and Suggests (R itself skipped)."""
    # DESCRIPTION is a Debian control (DCF) file: "Field: value" with indented continuation
    # lines, which is the RFC 822 header syntax the standard e-mail parser reads.
    message = email.parser.Parser().parsestr(text, headersonly=True)
    rest = message.get_payload()
    if isinstance(rest, str) and rest.strip():
        stop = len(text.splitlines()) - len(rest.splitlines()) + 1
        if message.defects:
            out.bad(f"not a 'Field: value' line: {rest.strip().splitlines()[0]!r}", stop)
        else:
            out.bad("unexpected content after a blank line", stop)
    for field in _R_DEPENDENCY_FIELDS:
        for value in message.get_all(field) or []:
            value = " ".join(str(value).split())
            for item in value.split(","):
                item = item.strip()
                if not item:
                    continue
                match = _R_ITEM.fullmatch(item)
                if not match:
                    out.bad(f"{field}: unreadable package {item!r}", line_of(text, item))
                    continue
                name, spec = match.group(1), match.group(2)
                if name == "R":
                    out.skip()  # the R version required, not a package
                else:
                    out.add("cran", name, spec or None)


def parse_renv_lock(out: Collector, text: str) -> None:
    """renv.lock: every locked package, pinned to its version."""
    data = load_json_object(out, text)
    packages = data.get("Packages") or {}
    if not isinstance(packages, dict):
        out.bad("Packages should be an object", line_of(text, '"Packages"'))
        return
    for key, entry in packages.items():
        if not isinstance(entry, dict):
            out.bad(f"Packages.{key} should be an object", line_of(text, f'"{key}"'))
            continue
        name = entry.get("Package") or key
        version = entry.get("Version")
        spec = f"=={version}" if isinstance(version, str) and version.strip() else None
        out.add("cran", str(name), spec)


def description_name(text: str):
    """The Package: field of a DESCRIPTION file (what the repository publishes)."""
    return email.parser.Parser().parsestr(text, headersonly=True).get("Package")
