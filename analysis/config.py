"""Project paths, built from the project root.

``WORKBOOK_DATA`` overrides the data folder (``<root>/data``); ``WORKBOOK_CORPUS`` names a raw
corpus (a folder or file, or several separated by ``os.pathsep``) for the notebooks. No side
effects at import.
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("WORKBOOK_DATA", PROJECT_ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
REPORTS_DIR = PROJECT_ROOT / "reports"
# <corpus name>.csv: the analyst's relation corrections (``WORKBOOK_CORRECTIONS_DIR`` overrides the folder)
CORRECTIONS_DIR = Path(os.environ.get("WORKBOOK_CORRECTIONS_DIR") or DATA_DIR / "annotations" / "corrections")
SHARED_CORPUS_DIR = PROJECT_ROOT.parent / "shared" / "corpus"
FAKES_CSV = SHARED_CORPUS_DIR / "fakes" / "FA-KES-Dataset.csv"
BBC_DIR = SHARED_CORPUS_DIR / "bbc"

# Reference files users extend (no code change needed).
BOILERPLATE_RULES = REFERENCE_DIR / "boilerplate.yaml"
ABBREVIATIONS = REFERENCE_DIR / "abbreviations.txt"
COLUMN_NAMES = REFERENCE_DIR / "columns.yaml"
GAZETTEER = REFERENCE_DIR / "groups.yaml"
RELATION_CUES = REFERENCE_DIR / "relation_cues.yaml"
ROLE_RULES = REFERENCE_DIR / "roles.yaml"
PUBLIC_GROUPS = REFERENCE_DIR / "public_groups.csv"
SITES = REFERENCE_DIR / "sites.yaml"
OUTLETS = REFERENCE_DIR / "outlets.yaml"
REGISTER_NAME = "metadata.csv"

# The relation classifier: annotations (references into the corpora, never their text), the trained model
# (a diffable JSON file made by `make model`), its evaluation, and the analysts' corrections per corpus.
ANNOTATIONS_DIR = PROJECT_ROOT / "data" / "annotations"
RELATION_ANNOTATIONS = ANNOTATIONS_DIR / "relations.csv"
RELATION_GUIDELINE = ANNOTATIONS_DIR / "guideline.md"
MODELS_DIR = PROJECT_ROOT / "data" / "models"
RELATION_MODEL = MODELS_DIR / "relations.json"
RELATION_EVAL = MODELS_DIR / "relations_eval.json"
#: The corpora the annotations point into, by the name used in RELATION_ANNOTATIONS' `corpus` column.
ANNOTATED_CORPORA = {"seeds": PROJECT_ROOT / "data" / "raw", "fakes": FAKES_CSV}


def corpus_from_env() -> list[Path] | None:
    """Raw paths named by ``WORKBOOK_CORPUS`` (``os.pathsep``-separated; relative ones resolved against the
    shell's working directory ``PWD``), or None."""
    value = os.environ.get("WORKBOOK_CORPUS", "").strip()
    if not value:
        return None
    # A relative path is relative to where the user typed it: the shell's PWD (a notebook kernel runs in
    # notebooks/, but inherits the PWD of the `make lab` or `jupyter` command that started it).
    base = Path(os.environ.get("PWD") or os.getcwd())
    return [(base / Path(p).expanduser()) for p in value.split(os.pathsep) if p.strip()]
