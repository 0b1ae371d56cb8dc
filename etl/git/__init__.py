"""Local git clones as a source: read with git itself, no network."""
