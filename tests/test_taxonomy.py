"""data/taxonomy.yml and data/import_names.yml: well formed, canonical names, no duplicates, full coverage."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from etl.shared import yamlfile

DATA = Path(__file__).resolve().parent.parent / "data"
TAXONOMY = DATA / "taxonomy.yml"
IMPORT_NAMES = DATA / "import_names.yml"

EXPECTED_CATEGORIES = {
    "data-wrangling": "Data wrangling",
    "visualisation": "Visualisation",
    "classical-ml": "Classical machine learning",
    "deep-learning": "Deep learning",
    "nlp": "Natural language processing",
    "computer-vision": "Computer vision",
    "statistics": "Statistics",
    "geospatial": "Geospatial",
    "mlops": "MLOps and experiment tracking",
    "apps": "Apps and dashboards",
    "testing": "Testing and quality",
    "databases": "Databases and SQL",
    "cloud": "Cloud and infrastructure",
    "scientific": "Scientific computing",
    "dev-tools": "Developer tooling",
    "reporting": "Reporting and documentation",
    "web": "Web and APIs",
    "utilities": "Utilities",
}

# Distributions in import_names.yml that are not data-science packages, so need not be in the taxonomy.
NOT_DATA_SCIENCE = {
    "pyserial", "python-magic", "pyzmq", "dnspython", "kafka-python", "python-socketio",
    "python-ldap", "wxpython",
}

CRAN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$")


def load_strict(path: Path):
    """The file as the product reads it: a key given twice in one mapping is refused."""
    return yamlfile.read(path, ValueError)


@pytest.fixture(scope="module")
def taxonomy():
    return load_strict(TAXONOMY)


@pytest.fixture(scope="module")
def imports():
    return load_strict(IMPORT_NAMES)


def test_taxonomy_top_level_shape(taxonomy):
    assert set(taxonomy) == {"categories", "packages"}
    assert set(taxonomy["packages"]) == {"pypi", "cran"}
    for eco in ("pypi", "cran"):
        assert isinstance(taxonomy["packages"][eco], dict)


def test_categories_are_exactly_the_agreed_ones(taxonomy):
    cats = taxonomy["categories"]
    ids = [c["id"] for c in cats]
    assert len(ids) == len(set(ids)), "category id repeated"
    assert {c["id"]: c["label"] for c in cats} == EXPECTED_CATEGORIES
    for c in cats:
        assert set(c) == {"id", "label", "description"}, c
        assert isinstance(c["description"], str) and c["description"].strip(), c["id"]


def test_every_package_maps_to_a_declared_category(taxonomy):
    declared = {c["id"] for c in taxonomy["categories"]}
    bad = [(eco, name, cat) for eco, pkgs in taxonomy["packages"].items()
           for name, cat in pkgs.items() if cat not in declared]
    assert not bad


def test_coverage(taxonomy):
    assert len(taxonomy["packages"]["pypi"]) >= 300
    assert len(taxonomy["packages"]["cran"]) >= 150


def test_every_category_is_used(taxonomy):
    used = {cat for pkgs in taxonomy["packages"].values() for cat in pkgs.values()}
    assert used == set(EXPECTED_CATEGORIES)


def test_pypi_names_are_canonical(taxonomy):
    bad = [n for n in taxonomy["packages"]["pypi"]
           if not isinstance(n, str) or canonicalize_name(n) != n]
    assert not bad


def test_cran_names_are_valid_package_names(taxonomy):
    bad = [n for n in taxonomy["packages"]["cran"]
           if not isinstance(n, str) or not CRAN_NAME.match(n)]
    assert not bad


@pytest.mark.parametrize("eco, name, category", [
    ("pypi", "pandas", "data-wrangling"), ("pypi", "scikit-learn", "classical-ml"),
    ("pypi", "torch", "deep-learning"), ("pypi", "spacy", "nlp"), ("pypi", "monai", "computer-vision"),
    ("pypi", "simpleitk", "computer-vision"), ("pypi", "statsmodels", "statistics"),
    ("pypi", "geopandas", "geospatial"), ("pypi", "mlflow", "mlops"), ("pypi", "streamlit", "apps"),
    ("pypi", "pytest", "testing"), ("pypi", "sqlalchemy", "databases"), ("pypi", "boto3", "cloud"),
    ("pypi", "numpy", "scientific"), ("pypi", "ruff", "dev-tools"), ("pypi", "sphinx", "reporting"),
    ("pypi", "requests", "web"), ("pypi", "tqdm", "utilities"), ("pypi", "arrow", "utilities"),
    ("cran", "dplyr", "data-wrangling"), ("cran", "ggplot2", "visualisation"),
    ("cran", "lubridate", "data-wrangling"), ("cran", "arrow", "data-wrangling"),
    ("cran", "shiny", "apps"), ("cran", "testthat", "testing"), ("cran", "rmarkdown", "reporting"),
    ("cran", "NHSRplotthedots", "statistics"), ("cran", "data.table", "data-wrangling"),
])
def test_well_known_packages(taxonomy, eco, name, category):
    assert taxonomy["packages"][eco][name] == category


def test_import_names_shape_and_size(imports):
    assert set(imports) == {"imports"}
    mapping = imports["imports"]
    assert isinstance(mapping, dict)
    assert len(mapping) >= 80
    for key, value in mapping.items():
        assert isinstance(key, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key), key
        assert isinstance(value, str), key


def test_import_names_values_are_canonical(imports):
    bad = {k: v for k, v in imports["imports"].items() if canonicalize_name(v) != v}
    assert not bad


def test_import_names_values_are_in_taxonomy(taxonomy, imports):
    pypi = taxonomy["packages"]["pypi"]
    missing = sorted({v for v in imports["imports"].values() if v not in pypi} - NOT_DATA_SCIENCE)
    assert not missing
    assert not NOT_DATA_SCIENCE & set(pypi), "a listed exception is in the taxonomy: drop it from the exceptions"


@pytest.mark.parametrize("import_name, dist", [
    ("sklearn", "scikit-learn"), ("cv2", "opencv-python"), ("PIL", "pillow"), ("skimage", "scikit-image"),
    ("yaml", "pyyaml"), ("bs4", "beautifulsoup4"), ("dateutil", "python-dateutil"),
    ("dotenv", "python-dotenv"), ("Crypto", "pycryptodome"), ("docx", "python-docx"),
    ("pptx", "python-pptx"), ("google.cloud.bigquery", "google-cloud-bigquery"),
    ("azure.storage.blob", "azure-storage-blob"), ("attr", "attrs"), ("jwt", "pyjwt"),
    ("MySQLdb", "mysqlclient"), ("win32api", "pywin32"),
    ("sentence_transformers", "sentence-transformers"), ("great_expectations", "great-expectations"),
])
def test_well_known_import_names(imports, import_name, dist):
    assert imports["imports"][import_name] == dist


def test_psycopg2_import_is_not_credited_to_the_binary_wheel(imports):
    assert imports["imports"].get("psycopg2", "psycopg2") == "psycopg2"
