"""What every manifest parser shares: the error, the collector of rows, and small helpers."""
from __future__ import annotations

import json

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name


class ManifestError(ValueError):
    """A manifest could not be read. The message names the path, the line when known, and the problem."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        super().__init__(path, reason, line)
        self.path = path
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}, line {self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


class Collector:
    """Rows of one manifest, with the entries that could not be read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.records: dict[str, dict] = {}
        self.read_something = False
        self.problems: list[tuple[str, int | None]] = []

    def add(self, ecosystem: str, package: str, spec: str | None) -> None:
        self.read_something = True
        spec = spec.strip() if isinstance(spec, str) else None
        row = {"manifest_path": self.path, "ecosystem": ecosystem, "package": package,
               "version_spec": spec or None}
        known = self.records.get(package)
        if known is None or (known["version_spec"] is None and row["version_spec"] is not None):
            self.records[package] = row

    def skip(self) -> None:
        """An entry was read fine but is not a dependency (an include, an option, python itself)."""
        self.read_something = True

    def bad(self, reason: str, line: int | None = None) -> None:
        self.problems.append((reason, line))

    def fail(self, reason: str, line: int | None = None) -> ManifestError:
        return ManifestError(self.path, reason, line)

    def rows(self) -> list[dict]:
        if self.problems and not self.read_something:
            reason, line = self.problems[0]
            raise ManifestError(self.path, reason, line)
        return [self.records[name] for name in sorted(self.records)]


def line_of(text: str, needle: str) -> int | None:
    """1-based number of the first line containing `needle`, to locate an entry in the source."""
    needle = needle.strip()
    if not needle:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def unpinned(spec) -> str | None:
    """A version constraint as written, or None for '*', '' and non-strings."""
    if not isinstance(spec, str) or spec.strip() in ("", "*"):
        return None
    return spec.strip()


def add_pep508(out: Collector, requirement: str, text: str, where: str, line: int | None = None) -> None:
    """Record one PEP 508 string (e.g. 'pandas[excel]>=2,<3; python_version>"3.9"')."""
    if not isinstance(requirement, str):
        out.bad(f"{where}: expected a requirement string, found {requirement!r}", line)
        return
    try:
        req = Requirement(requirement)
    except InvalidRequirement as exc:
        out.bad(f"{where}: invalid requirement {requirement!r}: {first_line(str(exc))}",
                line or line_of(text, requirement))
        return
    spec = None if req.url else (str(req.specifier) or None)
    out.add("pypi", canonicalize_name(req.name), spec)


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def load_json_object(out: Collector, text: str) -> dict:
    """The JSON object a file holds; ManifestError for invalid JSON or another top-level type."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise out.fail(f"invalid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict):
        raise out.fail("expected a JSON object at the top level", 1)
    return data
