"""Code the sources share: people and identity, dependency manifests, imports, languages, YAML files."""
