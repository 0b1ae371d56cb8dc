"""Dependencies inferred from imports: which files are read, which modules each imports,
and which PyPI distributions a repository's sources give."""
import json
import pickle

import pytest

from etl.shared import imports
from etl.shared.imports import (
    ImportsError,
    distributions,
    imported_modules,
    infer,
    load_mapping,
    local_names,
    source_kind,
)

MAPPING = {
    "sklearn": "scikit-learn",
    "PIL": "Pillow",
    "cv2": "opencv-python",
    "yaml": "PyYAML",
    "bs4": "beautifulsoup4",
    "google": "google-core-placeholder",
    "google.cloud.bigquery": "google-cloud-bigquery",
    "google.cloud.storage": "google-cloud-storage",
    "google.colab": None,  # only inside Colab: not something to install
    "mpl_toolkits": "matplotlib",
}


def notebook_v4(*cells, language="python"):
    """An nbformat 4 notebook; each cell is (cell_type, source) with source a str or a list."""
    return json.dumps({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": language}},
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source,
             **({"outputs": [], "execution_count": None} if kind == "code" else {})}
            for kind, source in cells
        ],
    }, indent=1)


def lines(text):
    """A cell source as Jupyter saves it: a list of lines keeping their newlines."""
    return text.splitlines(keepends=True)


# ---------------------------------------------------------------------------------------
# Which files are read


@pytest.mark.parametrize("path, kind", [
    ("train.py", "python"),
    ("src/mypkg/__init__.py", "python"),
    ("./scripts/clean.py", "python"),
    ("notebooks/01-explore.ipynb", "notebook"),
    ("Analysis.ipynb", "notebook"),
    ("README.md", None),
    ("requirements.txt", None),
    ("model.pyc", None),
    ("stubs/x.pyi", None),
    ("analysis.py.bak", None),
    ("notes.ipynb.txt", None),
    ("script.R", None),
    (".py", None),
    ("node_modules/pkg/x.py", None),
    (".venv/lib/python3.11/site-packages/numpy/__init__.py", None),
    ("venv/bin/activate_this.py", None),
    ("lib/site-packages/foo.py", None),
    ("build/lib/mypkg/x.py", None),
    ("dist/x.py", None),
    (".git/hooks/x.py", None),
    ("notebooks/.ipynb_checkpoints/01-explore-checkpoint.ipynb", None),
    ("notebooks/.ipynb_checkpoints/helpers-checkpoint.py", None),
])
def test_source_kind(path, kind):
    assert source_kind(path) == kind


def test_a_folder_named_like_an_excluded_one_only_as_a_file_stem_is_read():
    assert source_kind("build.py") == "python"
    assert source_kind("tools/dist.py") == "python"


# ---------------------------------------------------------------------------------------
# Modules imported by one file

SCRIPT = '''\
"""Train the readmission model.

Example:
    import notamodule
    from neither import this
"""
from __future__ import annotations

import os
import json
import sys, pathlib as pl
from pathlib import Path
from typing import Optional
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.model_selection import train_test_split
from sklearn import metrics
from PIL import Image
import cv2
from a.b import c
from . import sibling
from .models import Model
from ..shared.io import read
import xgboost.sklearn as xgbs

try:
    import ujson as fastjson
except ImportError:  # optional speed-up
    fastjson = json

if sys.platform == "win32":
    import winreg
else:
    from torch import nn

TEMPLATE = "import notastatement"


def plot(frame):
    import seaborn as sns
    from scipy.stats import (
        ttest_ind,
        mannwhitneyu as mwu,
    )
    return sns.histplot(frame)


class Loader:
    def load(self):
        from utils import helpers
        return helpers
'''

SCRIPT_MODULES = {
    "__future__", "__future__.annotations",
    "os", "json", "sys", "pathlib", "pathlib.Path", "typing", "typing.Optional",
    "dataclasses", "dataclasses.dataclass", "dataclasses.field",
    "numpy", "pandas", "matplotlib.pyplot",
    "sklearn.model_selection", "sklearn.model_selection.train_test_split", "sklearn", "sklearn.metrics",
    "PIL", "PIL.Image", "cv2", "a.b", "a.b.c", "xgboost.sklearn",
    "ujson", "winreg", "torch", "torch.nn",
    "seaborn", "scipy.stats", "scipy.stats.ttest_ind", "scipy.stats.mannwhitneyu",
    "utils", "utils.helpers",
}


def test_imported_modules_of_a_script():
    assert imported_modules("train.py", SCRIPT) == SCRIPT_MODULES


def test_distributions_of_a_script():
    assert distributions(imported_modules("src/train.py", SCRIPT), local={"src", "train", "utils"}, mapping=MAPPING) == {
        "numpy", "pandas", "matplotlib", "scikit-learn", "pillow", "opencv-python", "a", "xgboost",
        "ujson", "torch", "seaborn", "scipy",
    }


def test_import_forms():
    text = (
        "import a.b.c as x\n"
        "import d . e\n"
        "from f.g import *\n"
        "from h import (i as j, k,)\n"
        "from . import local_one\n"
        "from .pkg import local_two\n"
        "from .. import local_three\n"
    )
    assert imported_modules("x.py", text) == {"a.b.c", "d.e", "f.g", "h", "h.i", "h.k"}


def test_byte_order_mark_and_empty_files():
    assert imported_modules("x.py", "\ufeffimport numpy\n") == {"numpy"}
    assert imported_modules("x.py", "") == set()
    assert imported_modules("x.ipynb", "") == set()
    assert imported_modules("x.ipynb", "  \n") == set()


def test_imported_modules_refuses_other_files():
    with pytest.raises(ValueError, match="README.md"):
        imported_modules("README.md", "import numpy")


PYTHON2 = '''\
# -*- coding: utf-8 -*-
"""Legacy extract script.

    import not_this_one
"""
import os, sys
import urllib2
import numpy as np
from collections import OrderedDict
from sqlalchemy import create_engine, \\
    MetaData
from reportlab.lib import (colors,
                           units)  # trailing comment
try: import cPickle as pickle
except ImportError: import pickle
import ConfigParser
from . import settings
from .helpers import tidy
x = """
import also_not_this
"""
y = 'import nor_this'  # import nor_that
    import indented_in_a_block

def main():
    print "rows:", len(np.arange(3))
    exec "import dynamic"
    from scipy import stats
    raise ValueError, "bad"

print >>sys.stderr, "done"
'''


def test_python2_file_is_read_line_by_line():
    assert imported_modules("legacy/extract.py", PYTHON2) == {
        "os", "sys", "urllib2", "numpy", "collections", "collections.OrderedDict",
        "sqlalchemy", "sqlalchemy.create_engine", "sqlalchemy.MetaData",
        "reportlab.lib", "reportlab.lib.colors", "reportlab.lib.units",
        "cPickle", "pickle", "ConfigParser", "indented_in_a_block", "scipy", "scipy.stats",
    }
    assert distributions(imported_modules("legacy/extract.py", PYTHON2), local={"legacy", "extract"}, mapping={}) == {
        "numpy", "sqlalchemy", "reportlab", "indented-in-a-block", "scipy",
    }


def test_line_reading_rejects_what_is_not_an_import_statement():
    text = (
        "print 'x'\n"
        "import\n"
        "import 3d\n"
        "from x import\n"
        "import numpy as\n"
        "from sklearn import svm as\n"
        "importlib_thing = 1\n"
        "from_here = 2\n"
        "import pandas as pd; print 'ok'\n"
        "import  requests  ,  bs4 . element as el # two\n"
        "from tqdm import(tqdm)\n"
        "from statsmodels . api import *\n"
        "from\tflask\timport\tFlask\n"
    )
    assert imported_modules("x.py", text) == {
        "pandas", "requests", "bs4.element", "tqdm", "tqdm.tqdm", "statsmodels.api", "flask", "flask.Flask",
    }


def test_line_reading_after_a_string_left_open_on_an_earlier_line():
    text = "print 'unterminated\nimport numpy\ns = '''\nimport hidden\n'''  # ''' \nimport pandas\n"
    assert imported_modules("x.py", text) == {"numpy", "pandas"}


def test_python_newer_than_the_parser_and_nul_bytes_fall_back_to_lines():
    assert imported_modules("x.py", "import numpy\ntype Rows = list[int]\nx = 1 +\n") == {"numpy"}
    assert imported_modules("x.py", "import numpy\x00\nimport pandas\n") == {"pandas"}


# ---------------------------------------------------------------------------------------
# Notebooks

NOTEBOOK = notebook_v4(
    ("markdown", lines("# Explore\n\n```python\nimport not_code\n```\n")),
    ("code", lines("%matplotlib inline\n%load_ext autoreload\n%autoreload 2\n!pip install lightgbm\n"
                   "import numpy as np\nimport pandas as pd\n")),
    ("code", lines("import matplotlib.pyplot as plt\nfrom sklearn.linear_model import LogisticRegression\n"
                   "df = pd.read_csv(  # a syntax error\n")),
    ("code", lines("from src.features import build\nfrom utils import load\nimport seaborn as sns\n")),
    ("code", "from google.colab import drive\nfrom google.cloud import bigquery, storage\n"),
    ("code", lines("files = !ls data\n%time import statsmodels.api as sm\nnp.mean?\n??pd.read_csv\n"
                   "for f in files:\n    !echo {f}\n    import tqdm\n")),
    ("code", lines("%%time\nimport plotly.express as px\n")),
    ("code", lines("%%bash\nimport not_python\npip install x\n")),
    ("code", lines("%%writefile app.py\nimport streamlit as st\n")),
    ("code", lines("%%writefile requirements.txt\nimport_this_is_not_python\n")),
    ("code", []),
    ("raw", lines("import not_code_either\n")),
)


def test_notebook_v4_code_cells_with_magics_and_a_broken_cell():
    assert imported_modules("notebooks/explore.ipynb", NOTEBOOK) == {
        "numpy", "pandas", "matplotlib.pyplot", "sklearn.linear_model", "sklearn.linear_model.LogisticRegression",
        "src.features", "src.features.build", "utils", "utils.load", "seaborn",
        "google.colab", "google.colab.drive", "google.cloud", "google.cloud.bigquery", "google.cloud.storage",
        "tqdm", "plotly.express", "streamlit",
    }


def test_notebook_distributions_drop_local_modules_and_resolve_submodule_imports():
    modules = imported_modules("notebooks/explore.ipynb", NOTEBOOK)
    assert distributions(modules, local={"src", "features", "utils"}, mapping=MAPPING) == {
        "numpy", "pandas", "matplotlib", "scikit-learn", "seaborn", "google-cloud-bigquery",
        "google-cloud-storage", "tqdm", "plotly", "streamlit",
    }


NOTEBOOK_V3 = json.dumps({
    "metadata": {"name": "old"},
    "nbformat": 3, "nbformat_minor": 0,
    "worksheets": [
        {"cells": [
            {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["import not_code"]},
            {"cell_type": "code", "collapsed": False, "input": ["%pylab inline\n", "import pandas as pd\n",
                                                                  "print df.head()"],
             "language": "python", "metadata": {}, "outputs": []},
            {"cell_type": "code", "input": "from bs4 import BeautifulSoup", "language": "python",
             "metadata": {}, "outputs": []},
            {"cell_type": "code", "input": "library(dplyr)\nimport not_r", "language": "r", "metadata": {},
             "outputs": []},
        ]},
        {"cells": [{"cell_type": "code", "input": ["import requests"], "language": "python", "metadata": {},
                    "outputs": []}]},
    ],
})


def test_notebook_v3_with_worksheets():
    assert imported_modules("old.ipynb", NOTEBOOK_V3) == {"pandas", "bs4", "bs4.BeautifulSoup", "requests"}


def test_notebook_in_another_language_gives_nothing():
    r_notebook = notebook_v4(("code", ["library(dplyr)\n", "import_data <- 1\n"]), language="R")
    assert imported_modules("analysis.ipynb", r_notebook) == set()
    julia = json.dumps({"nbformat": 4, "metadata": {"language_info": {"name": "julia"}},
                        "cells": [{"cell_type": "code", "source": "import Pkg"}]})
    assert imported_modules("analysis.ipynb", julia) == set()


def test_notebook_without_metadata_or_with_odd_cells_is_read():
    text = json.dumps({"cells": [
        "not a cell", {"cell_type": "code"}, {"cell_type": "code", "source": None},
        {"cell_type": "code", "source": ["import ", "numpy", 3]},
    ]})
    assert imported_modules("x.ipynb", text) == {"numpy"}


@pytest.mark.parametrize("text, reason", [
    ('{"cells": [', r"^bad\.ipynb: not a notebook: invalid JSON at line 1: "),
    ("<<<<<<< HEAD\n{}\n", r"^bad\.ipynb: not a notebook: invalid JSON at line 1: "),
    ("[1, 2]", r"^bad\.ipynb: not a notebook: expected a JSON object"),
    ('{"metadata": {}}', r"^bad\.ipynb: not a notebook: no cells or worksheets list"),
])
def test_invalid_notebooks_raise(text, reason):
    with pytest.raises(ImportsError, match=reason):
        imported_modules("bad.ipynb", text)


def test_imports_error_is_a_value_error_and_survives_pickling():
    error = ImportsError("x.ipynb", "not a notebook")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.reason, str(copy)) == ("x.ipynb", "not a notebook", "x.ipynb: not a notebook")


# ---------------------------------------------------------------------------------------
# Module names -> distributions


def test_distributions_drop_the_standard_library_and_future():
    modules = {"__future__", "os.path", "json", "typing", "dataclasses", "pathlib", "collections.abc",
               "tkinter", "distutils.core", "imp", "asyncore", "urllib2", "cPickle", "StringIO", "_thread",
               "__main__", "builtins"}
    assert distributions(modules, local=set(), mapping=MAPPING) == set()


def test_distributions_drop_local_modules_by_their_top_level_name():
    assert distributions({"utils", "config.settings", "mypkg.io", "requests"},
                         local={"utils", "config", "mypkg"}, mapping=MAPPING) == {"requests"}


def test_distributions_use_the_longest_mapping_key_and_canonicalise():
    assert distributions({"google.cloud.bigquery.job"}, local=set(), mapping=MAPPING) == {"google-cloud-bigquery"}
    assert distributions({"google.auth"}, local=set(), mapping=MAPPING) == {"google-core-placeholder"}
    assert distributions({"google.colab.drive"}, local=set(), mapping=MAPPING) == set()
    assert distributions({"PIL.Image", "yaml", "Flask_SQLAlchemy", "Levenshtein"}, local=set(), mapping=MAPPING) == {
        "pillow", "pyyaml", "flask-sqlalchemy", "levenshtein",
    }


def test_a_module_extended_by_a_more_specifically_mapped_one_is_dropped():
    # `from google.cloud import bigquery` gives both names; only the specific one counts.
    assert distributions({"google.cloud", "google.cloud.bigquery"}, local=set(), mapping=MAPPING) == {
        "google-cloud-bigquery",
    }
    # Without a more specific match, a from-import of a function changes nothing.
    assert distributions({"sklearn.model_selection", "sklearn.model_selection.train_test_split"},
                         local=set(), mapping=MAPPING) == {"scikit-learn"}
    # An unmapped submodule falls back to the top-level name.
    assert distributions({"google.cloud", "google.cloud.firestore"}, local=set(), mapping=MAPPING) == {
        "google-core-placeholder",
    }


def test_unmapped_modules_under_a_namespace_root_are_left_out():
    mapping = {"google.cloud.bigquery": "google-cloud-bigquery", "azure.identity": "azure-identity"}
    assert distributions({"google.colab", "google.colab.drive", "google.cloud", "google.cloud.bigquery",
                          "azure", "azure.identity", "azure.storage.queue", "googleapiclient"},
                         local=set(), mapping=mapping) == {
        "google-cloud-bigquery", "azure-identity", "googleapiclient",
    }


# ---------------------------------------------------------------------------------------
# The repository's own modules


def test_local_names_from_paths():
    assert local_names([
        "src/mypkg/__init__.py",
        "src/mypkg/features.py",
        "analysis/utils.py",
        "config.py",
        "notebooks/01-explore.ipynb",
        "scripts/01-clean-data.py",
        "my-tools/run.py",
        "README.md",
        ".venv/lib/python3.11/site-packages/requests/api.py",
    ]) == {"src", "mypkg", "__init__", "features", "analysis", "utils", "config", "scripts", "run"}


# ---------------------------------------------------------------------------------------
# A repository


REPOSITORY = {
    "README.md": "# not read\nimport numpy\n",
    "config.py": "DATA_DIR = 'data'\n",
    "src/mypkg/__init__.py": "from .core import run\n",
    "src/mypkg/core.py": "import numpy as np\nfrom mypkg import helpers\nfrom config import DATA_DIR\n",
    "src/mypkg/helpers.py": "import os\nimport yaml\nfrom sklearn.metrics import roc_auc_score\n",
    "analysis/utils.py": "import pandas as pd\n",
    "analysis/report.py": "from utils import summarise\nimport utils\nimport matplotlib.pyplot as plt\n",
    "legacy/extract.py": PYTHON2,
    "notebooks/explore.ipynb": NOTEBOOK,
    "notebooks/old.ipynb": NOTEBOOK_V3,
    "notebooks/broken.ipynb": '{"cells": [{"cell_type": "code", "source": "import x"}',
    "notebooks/.ipynb_checkpoints/explore-checkpoint.ipynb": notebook_v4(("code", "import checkpoint_only")),
    "venv/lib/site.py": "import vendored_only\n",
}


def test_infer_a_repository():
    rows, problems = infer(REPOSITORY, mapping=MAPPING)

    def row(package, path):
        return {"manifest_path": path, "ecosystem": "pypi", "package": package, "version_spec": None}

    assert rows == [
        row("beautifulsoup4", "notebooks/old.ipynb"),
        row("google-cloud-bigquery", "notebooks/explore.ipynb"),
        row("google-cloud-storage", "notebooks/explore.ipynb"),
        row("indented-in-a-block", "legacy/extract.py"),
        row("matplotlib", "analysis/report.py"),
        row("numpy", "legacy/extract.py"),
        row("pandas", "analysis/utils.py"),
        row("plotly", "notebooks/explore.ipynb"),
        row("pyyaml", "src/mypkg/helpers.py"),
        row("reportlab", "legacy/extract.py"),
        row("requests", "notebooks/old.ipynb"),
        row("scikit-learn", "notebooks/explore.ipynb"),
        row("scipy", "legacy/extract.py"),
        row("seaborn", "notebooks/explore.ipynb"),
        row("sqlalchemy", "legacy/extract.py"),
        row("streamlit", "notebooks/explore.ipynb"),
        row("tqdm", "notebooks/explore.ipynb"),
    ]
    assert problems == [{
        "kind": "source_unparsed", "detail": "notebooks/broken.ipynb",
        "message": problems[0]["message"],
    }]
    assert problems[0]["message"].startswith("notebooks/broken.ipynb: not a notebook: invalid JSON at line 1")


def test_infer_with_no_sources_or_only_stdlib():
    assert infer({}, mapping=MAPPING) == ([], [])
    assert infer({"main.py": "import os\nimport sys\n"}, mapping=MAPPING) == ([], [])


def test_infer_skips_oversized_files_with_a_problem():
    big = "import numpy\n" + "#" * imports.MAX_SOURCE_BYTES
    rows, problems = infer({"big.py": big, "small.py": "import pandas\n"}, mapping={})
    assert [r["package"] for r in rows] == ["pandas"]
    assert [(p["kind"], p["detail"]) for p in problems] == [("source_too_large", "big.py")]


# ---------------------------------------------------------------------------------------
# The mapping file


def test_load_mapping_reads_imports(tmp_path):
    path = tmp_path / "import_names.yml"
    path.write_text("# import name: distribution\nimports:\n  sklearn: scikit-learn\n"
                    "  google.cloud.bigquery: google-cloud-bigquery\n  google.colab: null\n", encoding="utf-8")
    assert load_mapping(path) == {"sklearn": "scikit-learn", "google.cloud.bigquery": "google-cloud-bigquery",
                                  "google.colab": None}


def test_load_mapping_without_the_file_gives_the_fallback(tmp_path):
    mapping = load_mapping(tmp_path / "missing.yml")
    assert mapping == imports.FALLBACK_MAPPING and mapping is not imports.FALLBACK_MAPPING
    assert mapping["sklearn"] == "scikit-learn" and mapping["PIL"] == "pillow"


@pytest.mark.parametrize("text, reason", [
    ("imports: [\n", r"not valid YAML at line 2"),
    ("names:\n  a: b\n", r"expected a mapping under `imports:`"),
    ("imports:\n  a: [b]\n", r"imports: a: expected a distribution name"),
    ("imports:\n  not-a-module: b\n", r"imports: 'not-a-module' is not a module name"),
])
def test_load_mapping_refuses_bad_files(tmp_path, text, reason):
    path = tmp_path / "import_names.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportsError, match=reason):
        load_mapping(path)


def test_the_project_mapping_loads_and_maps_the_usual_suspects():
    mapping = load_mapping()
    assert distributions({"sklearn", "PIL", "cv2", "yaml", "bs4", "numpy"}, local=set(), mapping=mapping) == {
        "scikit-learn", "pillow", "opencv-python", "pyyaml", "beautifulsoup4", "numpy",
    }
