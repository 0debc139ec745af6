"""The trained heads as plain arrays, for classifying without scikit-learn.

Training needs scikit-learn; using a model does not. Importing scikit-learn
costs about 1.5 s on this machine, half of the model-load budget, so a loaded
model computes its probabilities with numpy from the saved arrays. The maths
is the same as ``heads.MultiLabelHead`` / ``heads.SingleLabelHead`` (a test
checks that both agree).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


@dataclass(frozen=True)
class MultiLabelArrays:
    coef_: np.ndarray
    intercept_: np.ndarray
    calibration_: np.ndarray
    thresholds_: np.ndarray

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "MultiLabelArrays":
        return cls(*(np.asarray(arrays[f"{prefix}.{name}"]) for name in ("coef", "intercept", "calibration", "thresholds")))

    def predict_proba(self, X) -> np.ndarray:
        # X is a dense matrix, or ngrams.SparseRows (which multiplies without scipy).
        rows = X if hasattr(X, "indptr") else np.asarray(X, dtype=np.float64)
        decision = rows @ self.coef_.T + self.intercept_
        return _sigmoid(decision * self.calibration_[:, 0] + self.calibration_[:, 1])

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.coef": self.coef_, f"{prefix}.intercept": self.intercept_,
                f"{prefix}.calibration": self.calibration_, f"{prefix}.thresholds": self.thresholds_}


@dataclass(frozen=True)
class SingleLabelArrays:
    coef_: np.ndarray
    intercept_: np.ndarray
    classes_: np.ndarray

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "SingleLabelArrays":
        return cls(*(np.asarray(arrays[f"{prefix}.{name}"]) for name in ("coef", "intercept", "classes")))

    def predict_proba(self, X) -> np.ndarray:
        scores = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        if scores.shape[1] == 1:
            p = _sigmoid(scores[:, 0])
            return np.column_stack([1 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}.coef": self.coef_, f"{prefix}.intercept": self.intercept_, f"{prefix}.classes": self.classes_}
