"""Reference data authored by the Assembly and kept in git: the package taxonomy and the tech radar."""
from etl.reference.files import RADAR, RINGS, TAXONOMY, ReferenceError, radar, save, taxonomy  # noqa: F401
