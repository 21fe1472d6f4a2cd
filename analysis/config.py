"""Project paths and the one parameter file every front end reads."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from .errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PROJECT_ROOT / "corpus"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PARAMS_FILE = PROJECT_ROOT / "params.yaml"
CACHE_DIR = PROJECT_ROOT / ".cache"
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_THEMES_FILE = PACKAGE_DIR / "themes.yaml"

# Defaults used when params.yaml is absent or leaves a key out, so the
# package also works when installed elsewhere.
DEFAULTS: dict = {
    "corpus": {
        "dir": "corpus",
        "extensions": [".txt", ".md"],
        "max_file_mb": 10,
        "encoding_fallback": "cp1252",
    },
    "seed": 42,
    "overview": {"mattr_window": 50},
    "documents": {"labels": {}, "labels_file": None},
}


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_params(path: str | Path | None = None) -> dict:
    """Read the parameter file and fill in defaults.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file. Defaults to ``params.yaml`` at the project root; when
        that file does not exist the built-in defaults are returned.

    Returns
    -------
    dict
        Nested settings, with relative paths left as written.

    Raises
    ------
    InputError
        If the file is given but missing, or is not a YAML mapping.
    """
    if path is None:
        path = PARAMS_FILE
        if not path.exists():
            return copy.deepcopy(DEFAULTS)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"parameter file '{path}' does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0]
        raise InputError(f"parameter file '{path}' is not valid YAML: {reason}") from None
    if not isinstance(data, dict):
        raise InputError(f"parameter file '{path}' must hold a mapping of settings")
    return _merge(DEFAULTS, data)


def resolve_path(value: str | Path, base: Path = PROJECT_ROOT) -> Path:
    """Resolve a path from the parameter file against the project root.

    Parameters
    ----------
    value : str or Path
        An absolute path, or one relative to `base`.
    base : Path
        The folder relative paths start from.

    Returns
    -------
    Path
    """
    p = Path(value).expanduser()
    return p if p.is_absolute() else (base / p)
