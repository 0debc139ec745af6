"""The passage classifier: embedder + transparent features + four heads.

A model is a folder (``models/<name>/``) that describes itself:

- ``model.json``: label sets, embedder, feature settings, thresholds, library
  versions, the SHA-256 of every corpus file it was trained on, seed, metrics;
- ``heads.npz``: the learned arrays (no pickle: loading a model runs no code), including the
  n-gram heads and their IDF when ``features.ngrams`` is on;
- ``examples.npz`` + ``examples.jsonl``: embeddings and labels of the corpus passages annotated
  in every field, to show the most similar annotated examples and, when ``features.knn_k`` is
  set, to let the nearest of them vote on the steps (knn.py);
- ``README.md``: the model card.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analyzer.classify import features
from analyzer.classify.embed import Embedder, default_cache_dir, make_embedder
from analyzer.classify.inference import MultiLabelArrays, SingleLabelArrays
from analyzer.classify.knn import knn_vote
from analyzer.classify.ngrams import NgramHasher
from analyzer.errors import UsageError
from analyzer.labels import STATUSES, step_ids, theme_ids

FORMAT_VERSION = 1
DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "ketenlens-default"


@dataclass(frozen=True)
class FeatureConfig:
    """How a passage becomes a feature vector; stored with the model."""

    embedder: str = "use"
    hand_features: bool = True
    hand_weight: float = 1.0
    # Mean embedding of the previous and next passage of the same document.
    context: bool = False
    context_weight: float = 0.5
    # A second view for steps and themes: hashed word/character n-grams (ngrams.py) with heads of their
    # own, blended with the embedding heads' probabilities: (1 - w) * embedding + w * n-gram.
    ngrams: bool = False
    ngram_weight: float = 0.5
    ngram_buckets: int = 2**16
    # A third view for the steps (knn.py): the k most similar annotated examples vote, weighted by
    # softmax(cosine / temperature), and the vote is blended in as (1 - knn_weight) * views + knn_weight * vote.
    knn_k: int = 0
    knn_weight: float = 0.2
    knn_temperature: float = 0.05


@dataclass(frozen=True)
class Classification:
    """What the classifier says about one passage (the ``classify`` contract, plus explanations)."""

    id: str
    steps: tuple[str, ...]
    themes: tuple[str, ...]
    status: str
    specific: bool
    scores: dict[str, float]
    status_scores: dict[str, float] = field(default_factory=dict)
    specific_score: float = 0.0
    cues: dict[str, list[str]] = field(default_factory=dict)
    similar: tuple[dict, ...] = ()

    def to_dict(self, explain: bool = False) -> dict:
        out = {
            "id": self.id,
            "steps": list(self.steps),
            "themes": list(self.themes),
            "status": self.status,
            "specific": self.specific,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "status_scores": {k: round(v, 4) for k, v in self.status_scores.items()},
            "specific_score": round(self.specific_score, 4),
        }
        if explain:
            out["cues"] = self.cues
            out["similar"] = list(self.similar)
        return out


def neighbour_context(vectors: np.ndarray, docs: list[str | None]) -> np.ndarray:
    """Mean of the previous and next row within the same document (zeros at the edges)."""
    context = np.zeros_like(vectors)
    for i in range(len(vectors)):
        parts = [vectors[j] for j in (i - 1, i + 1) if 0 <= j < len(vectors) and docs[j] == docs[i]]
        if parts:
            context[i] = np.mean(parts, axis=0)
    return context


class FeatureBuilder:
    def __init__(self, config: FeatureConfig, embedder: Embedder):
        self.config = config
        self.embedder = embedder

    def build(self, texts: list[str], docs: list[str | None] | None = None,
              timings: dict[str, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(feature matrix, embeddings) for passages in document order."""
        timings = timings if timings is not None else {}
        start = time.perf_counter()
        vectors = self.embedder.encode(texts)
        timings["embed"] = timings.get("embed", 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        parts = [vectors]
        if self.config.context:
            parts.append(self.config.context_weight * neighbour_context(vectors, docs or [None] * len(texts)))
        if self.config.hand_features:
            parts.append(self.config.hand_weight * features.hand_features(texts))
        matrix = np.hstack(parts).astype(np.float32)
        timings["features"] = timings.get("features", 0.0) + time.perf_counter() - start
        return matrix, vectors


@dataclass(frozen=True)
class NgramView:
    """The n-gram view of a model: the hasher with its IDF and one head each for steps and themes."""

    hasher: NgramHasher
    steps: object
    themes: object

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"ngrams.idf": self.hasher.idf.astype(np.float32)}
        for prefix, head in (("steps_ngram", self.steps), ("themes_ngram", self.themes)):
            for key, value in head.to_arrays(prefix).items():
                # The coefficients are most of the model's size; float32 keeps scores within 1e-6.
                arrays[key] = value.astype(np.float32) if key.endswith(".coef") else value
        return arrays

    @classmethod
    def from_arrays(cls, arrays, buckets: int) -> NgramView:
        return cls(NgramHasher(buckets, np.asarray(arrays["ngrams.idf"], dtype=np.float64)),
                   MultiLabelArrays.from_arrays(arrays, "steps_ngram"),
                   MultiLabelArrays.from_arrays(arrays, "themes_ngram"))


class PassageClassifier:
    """Heads are fitted scikit-learn heads after training, or their arrays after loading.

    With an n-gram view, the step and theme probabilities are the blend of both views, and the
    ``thresholds_`` of ``steps_head`` and ``themes_head`` apply to that blend.
    """

    def __init__(self, config: FeatureConfig, steps, themes, status, specific, embedder: Embedder | None = None,
                 meta: dict | None = None, examples: tuple[np.ndarray, list[dict]] | None = None,
                 ngram_view: NgramView | None = None):
        self.config = config
        self.steps_head = steps
        self.themes_head = themes
        self.status_head = status
        self.specific_head = specific
        self.meta = meta or {}
        self.examples = examples
        self.ngram_view = ngram_view
        self._embedder = embedder
        self._example_steps = None

    @property
    def example_steps(self) -> np.ndarray:
        """Examples × steps, 0/1: what the nearest examples vote with."""
        if self._example_steps is None:
            self._example_steps = np.array([[s in (r.get("steps") or []) for s in step_ids()]
                                            for r in self.examples[1]], dtype=np.float64)
        return self._example_steps

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.config.embedder, default_cache_dir())
        return self._embedder

    def classify(self, records: list[dict], explain: bool = False,
                 timings: dict[str, float] | None = None) -> list[Classification]:
        """Classify records with ``id``, ``text`` and optionally ``doc`` (for context).

        ``timings``, when given, receives the seconds spent per stage.
        """
        if not records:
            return []
        timings = timings if timings is not None else {}
        texts = [r["text"] for r in records]
        docs = [r.get("doc") for r in records]
        X, vectors = FeatureBuilder(self.config, self.embedder).build(texts, docs, timings)
        start = time.perf_counter()
        step_p = self.steps_head.predict_proba(X)
        theme_p = self.themes_head.predict_proba(X)
        if self.ngram_view is not None:
            rows = self.ngram_view.hasher.transform(texts)
            weight = self.config.ngram_weight
            step_p = (1 - weight) * step_p + weight * self.ngram_view.steps.predict_proba(rows)
            theme_p = (1 - weight) * theme_p + weight * self.ngram_view.themes.predict_proba(rows)
        if self.config.knn_k and self.examples is not None:
            weight = self.config.knn_weight
            step_p = (1 - weight) * step_p + weight * knn_vote(vectors, self.examples[0], self.example_steps,
                                                               self.config.knn_k, self.config.knn_temperature)
        status_p = self.status_head.predict_proba(X)
        specific_p = self.specific_head.predict_proba(X)
        specific_col = list(self.specific_head.classes_).index("True")
        steps, themes = step_ids(), theme_ids()
        lex = features.lexicon() if explain else None
        similar = self._similar(vectors) if explain and self.examples is not None else [()] * len(records)
        out = []
        for i, record in enumerate(records):
            scores = {s: float(step_p[i, j]) for j, s in enumerate(steps)}
            scores.update({t: float(theme_p[i, j]) for j, t in enumerate(themes)})
            cues = {}
            if lex is not None:
                cues = {label: hits for label, hits in zip(lex.labels, lex.hits(texts[i])) if hits}
            out.append(Classification(
                id=str(record["id"]),
                steps=tuple(s for j, s in enumerate(steps) if step_p[i, j] >= self.steps_head.thresholds_[j]),
                themes=tuple(t for j, t in enumerate(themes) if theme_p[i, j] >= self.themes_head.thresholds_[j]),
                status=str(self.status_head.classes_[status_p[i].argmax()]),
                specific=bool(specific_p[i, specific_col] >= 0.5),
                scores=scores,
                status_scores={str(c): float(status_p[i, k]) for k, c in enumerate(self.status_head.classes_)},
                specific_score=float(specific_p[i, specific_col]),
                cues=cues,
                similar=similar[i],
            ))
        timings["heads"] = timings.get("heads", 0.0) + time.perf_counter() - start
        return out

    def _similar(self, vectors: np.ndarray, k: int = 3, chunk: int = 512) -> list[tuple[dict, ...]]:
        # In blocks of passages: a whole file against ~15,000 examples at once would take gigabytes.
        matrix, records = self.examples
        k = min(k, len(records))
        result = []
        for start in range(0, len(vectors), chunk):
            sims = vectors[start:start + chunk] @ matrix.T
            # A stable sort: exact ties come in corpus order, whatever the block size.
            top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            for row, ranked in zip(sims, top):
                result.append(tuple({**records[j], "similarity": round(float(row[j]), 3)} for j in ranked))
        return result

    # -- persistence -----------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {}
        arrays.update(self.steps_head.to_arrays("steps"))
        arrays.update(self.themes_head.to_arrays("themes"))
        arrays.update(self.status_head.to_arrays("status"))
        arrays.update(self.specific_head.to_arrays("specific"))
        if self.ngram_view is not None:
            arrays.update(self.ngram_view.to_arrays())
        np.savez_compressed(folder / "heads.npz", **arrays)
        if self.examples is not None:
            matrix, records = self.examples
            # int8 (unit vectors times 127): the nearest examples stay the same and the file is a
            # quarter of float32's size; the corpus holds some 15,000 annotated passages.
            np.savez_compressed(folder / "examples.npz", vectors_int8=np.round(matrix * 127).astype(np.int8))
            with (folder / "examples.jsonl").open("w", encoding="utf-8") as handle:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        meta = dict(self.meta)
        meta.update({
            "format_version": FORMAT_VERSION,
            "features": self.config.__dict__,
            "labels": {"steps": list(step_ids()), "themes": list(theme_ids()), "status": list(STATUSES)},
            "thresholds": {
                **{s: round(float(t), 4) for s, t in zip(step_ids(), self.steps_head.thresholds_)},
                **{t: round(float(v), 4) for t, v in zip(theme_ids(), self.themes_head.thresholds_)},
            },
        })
        (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path | str | None = None, embedder: Embedder | None = None) -> PassageClassifier:
        folder = Path(folder) if folder else DEFAULT_MODEL
        meta_path = folder / "model.json"
        if not meta_path.is_file():
            raise UsageError(f"{folder}: no model here (model.json missing); train one with 'ketenlens train'")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise UsageError(f"{folder}: model format {meta.get('format_version')} is not supported; retrain it")
        if meta["labels"]["steps"] != list(step_ids()) or meta["labels"]["themes"] != list(theme_ids()):
            raise UsageError(f"{folder}: the model's labels differ from this version's taxonomy; retrain it")
        config = FeatureConfig(**meta["features"])
        trained_with = (meta.get("training") or {}).get("knowledge_files", {}).get("taxonomy.json")
        if trained_with:
            import hashlib

            from analyzer.labels import KNOWLEDGE

            if hashlib.sha256((KNOWLEDGE / "taxonomy.json").read_bytes()).hexdigest() != trained_with:
                import warnings

                warnings.warn(f"{folder.name}: the cue lexicon (taxonomy.json) changed since this model was trained; "
                              "retrain it with 'ketenlens train' for consistent scores", stacklevel=2)
        with np.load(folder / "heads.npz", allow_pickle=False) as arrays:
            heads = (
                MultiLabelArrays.from_arrays(arrays, "steps"),
                MultiLabelArrays.from_arrays(arrays, "themes"),
                SingleLabelArrays.from_arrays(arrays, "status"),
                SingleLabelArrays.from_arrays(arrays, "specific"),
            )
            ngram_view = NgramView.from_arrays(arrays, config.ngram_buckets) if config.ngrams else None
        examples = None
        if (folder / "examples.npz").is_file():
            with np.load(folder / "examples.npz", allow_pickle=False) as arrays:
                if "vectors_int8" in arrays:
                    matrix = arrays["vectors_int8"].astype(np.float32) / 127
                elif "vectors" in arrays:
                    matrix = arrays["vectors"].astype(np.float32)
                else:
                    raise UsageError(f"{folder}: examples.npz holds no example vectors; retrain it with 'ketenlens train'")
            examples_file = folder / "examples.jsonl"
            records = ([json.loads(line) for line in examples_file.read_text(encoding="utf-8").splitlines()]
                       if examples_file.is_file() else [])
            if len(records) != len(matrix):
                raise UsageError(f"{folder}: examples.jsonl has {len(records)} examples but examples.npz "
                                 f"{len(matrix)}; retrain it with 'ketenlens train'")
            examples = (matrix, records)
        if config.knn_k and examples is None:
            raise UsageError(f"{folder}: the model votes with its nearest examples but examples.npz is missing; "
                             "retrain it with 'ketenlens train'")
        return cls(config, *heads, embedder=embedder, meta=meta, examples=examples, ngram_view=ngram_view)
