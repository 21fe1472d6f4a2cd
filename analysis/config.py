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

def __getattr__(name: str):
    # DEFAULTS is now derived from the schema in analysis.params (kept for old imports).
    if name == "DEFAULTS":
        from .params import default_params

        return default_params()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_params(path: str | Path | None = None) -> dict:
    """Read the parameter file, validate it and fill in defaults.

    Every key is checked against the schema in :mod:`analysis.params`
    (types, ranges, unknown keys).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file. Defaults to ``params.yaml`` at the project root; when
        that file does not exist the built-in defaults are returned.

    Returns
    -------
    dict
        Nested settings (plain dicts and lists) with every default filled in,
        relative paths left as written.

    Raises
    ------
    InputError
        If the file is given but missing, is not a YAML mapping, or holds an
        unknown key or a value out of range: one line naming the key, the
        value and what is allowed.
    """
    from .params import default_params, validate_params

    if path is None:
        path = PARAMS_FILE
        if not path.exists():
            return default_params()
    path = Path(path)
    if not path.is_file():
        raise InputError(f"parameter file '{path}' does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"parameter file '{path}' is not valid YAML: {reason}") from None
    except OSError as exc:
        raise InputError(f"parameter file '{path}' cannot be read: {exc.strerror}") from None
    return validate_params(data, source=f"parameter file '{path}'")


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
