"""Classification heads: scikit-learn estimators on top of passage features.

``MultiLabelHead`` is one logistic regression per label (steps, themes) and
``SingleLabelHead`` one multinomial logistic regression (status, specific).
Both follow the scikit-learn contract (``__init__`` only stores parameters,
``fit`` returns ``self``, learned attributes end in ``_``, ``clone`` works).

Probabilities are calibrated: during ``fit`` each label's decision values are
collected out of fold (grouped by document when groups are given, so one
company's passages never calibrate their own model), a Platt scaling is fitted
on them, and the decision threshold that maximises F1 on those out-of-fold
probabilities is stored in ``thresholds_``. All learned state is plain arrays,
so a head saves to ``.npz`` without pickle (``to_arrays`` / ``from_arrays``).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * d + b) on out-of-fold decision values."""
    if len(np.unique(y)) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, max_iter=1000)
    model.fit(decision.reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _f1(predicted: np.ndarray, y: np.ndarray) -> float:
    tp = float((predicted & (y == 1)).sum())
    fp = float((predicted & (y == 0)).sum())
    fn = float((~predicted & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(prob: np.ndarray, y: np.ndarray) -> float:
    """The threshold in [0.1, 0.8] that maximises F1 (ties: the lowest)."""
    if y.sum() == 0:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.1, 0.8, 0.025):
        f1 = _f1(prob >= threshold, y)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return best




def _matrix(X):
    """A dense float matrix, or a scipy sparse one as it is (the n-gram view, see ngrams.py)."""
    if hasattr(X, "to_scipy"):  # ngrams.SparseRows
        return X.to_scipy()
    if hasattr(X, "tocsr"):
        return X.tocsr()
    return np.asarray(X, dtype=np.float64)


def _folds(n_splits: int, y: np.ndarray, groups, seed: int):
    if groups is not None and len(np.unique(groups)) >= n_splits:
        return GroupKFold(n_splits=n_splits).split(np.zeros(len(y)), y, groups)
    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.zeros(len(y)), y)


class MultiLabelHead(ClassifierMixin, BaseEstimator):
    """Independent calibrated logistic regressions, one per label.

    Parameters
    ----------
    C : inverse regularisation strength of every regression.
    class_weight : passed to LogisticRegression; "balanced" lifts rare labels.
    cv : folds used for calibration and thresholds (0 disables both).
    random_state : seed for the folds when no groups are given.
    """

    def __init__(self, C: float = 1.0, class_weight="balanced", cv: int = 5, max_iter: int = 2000, random_state: int = 0):
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.max_iter = max_iter
        self.random_state = random_state

    def _regression(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)

    def fit(self, X, Y, groups=None, sample_weight=None):
        X = _matrix(X)
        Y = np.asarray(Y).astype(int)
        if Y.ndim == 1:
            Y = Y.reshape(-1, 1)
        n_labels = Y.shape[1]
        self.n_features_in_ = X.shape[1]
        self.classes_ = np.arange(n_labels)
        self.coef_ = np.zeros((n_labels, X.shape[1]))
        self.intercept_ = np.zeros(n_labels)
        self.calibration_ = np.tile([1.0, 0.0], (n_labels, 1))
        self.thresholds_ = np.full(n_labels, 0.5)
        self.cv_f1_ = np.full(n_labels, np.nan)
        # Out-of-fold calibrated probabilities: what a blend of heads chooses its thresholds on.
        self.oof_proba_ = np.full(Y.shape, np.nan)
        for j in range(n_labels):
            y = Y[:, j]
            if len(np.unique(y)) < 2:
                self.intercept_[j] = 10.0 if y.all() else -10.0
                continue
            if self.cv and min(np.bincount(y)) >= self.cv:
                decision = np.zeros(len(y))
                for train, test in _folds(self.cv, y, groups, self.random_state):
                    if len(np.unique(y[train])) < 2:
                        continue
                    model = self._regression()
                    model.fit(X[train], y[train], sample_weight=None if sample_weight is None else sample_weight[train])
                    decision[test] = model.decision_function(X[test])
                self.calibration_[j] = _platt(decision, y)
                a, b = self.calibration_[j]
                self.oof_proba_[:, j] = _sigmoid(a * decision + b)
                self.thresholds_[j] = best_threshold(self.oof_proba_[:, j], y)
                self.cv_f1_[j] = _f1(self.oof_proba_[:, j] >= self.thresholds_[j], y)
            model = self._regression()
            model.fit(X, y, sample_weight=sample_weight)
            self.coef_[j] = model.coef_[0]
            self.intercept_[j] = model.intercept_[0]
        return self

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(_matrix(X) @ self.coef_.T) + self.intercept_

    def predict_proba(self, X) -> np.ndarray:
        decision = self.decision_function(X)
        return _sigmoid(decision * self.calibration_[:, 0] + self.calibration_[:, 1])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        check_is_fitted(self, "coef_")
        return {f"{prefix}.coef": self.coef_, f"{prefix}.intercept": self.intercept_,
                f"{prefix}.calibration": self.calibration_, f"{prefix}.thresholds": self.thresholds_}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> MultiLabelHead:
        head = cls()
        head.coef_ = np.asarray(arrays[f"{prefix}.coef"])
        head.intercept_ = np.asarray(arrays[f"{prefix}.intercept"])
        head.calibration_ = np.asarray(arrays[f"{prefix}.calibration"])
        head.thresholds_ = np.asarray(arrays[f"{prefix}.thresholds"])
        head.n_features_in_ = head.coef_.shape[1]
        head.classes_ = np.arange(head.coef_.shape[0])
        return head


def blend_thresholds(probabilities: np.ndarray, Y: np.ndarray, fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per label, the F1-best threshold on blended out-of-fold probabilities and the F1 it reaches
    (``fallback`` and NaN where a label had no out-of-fold scores)."""
    thresholds, f1 = np.array(fallback, dtype=float), np.full(Y.shape[1], np.nan)
    for j in range(Y.shape[1]):
        if np.isnan(probabilities[:, j]).any():
            continue
        thresholds[j] = best_threshold(probabilities[:, j], Y[:, j])
        f1[j] = _f1(probabilities[:, j] >= thresholds[j], Y[:, j])
    return thresholds, f1


class SingleLabelHead(ClassifierMixin, BaseEstimator):
    """One multinomial logistic regression over mutually exclusive classes."""

    def __init__(self, C: float = 1.0, class_weight="balanced", max_iter: int = 2000):
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X, y, groups=None, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        model.fit(X, np.asarray(y), sample_weight=sample_weight)
        self.classes_ = model.classes_
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        scores = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        if scores.shape[1] == 1:  # binary: sklearn keeps one row of coefficients
            p = _sigmoid(scores[:, 0])
            return np.column_stack([1 - p, p])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        check_is_fitted(self, "coef_")
        return {f"{prefix}.coef": self.coef_, f"{prefix}.intercept": self.intercept_,
                f"{prefix}.classes": np.asarray(self.classes_).astype(str)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> SingleLabelHead:
        head = cls()
        head.coef_ = np.asarray(arrays[f"{prefix}.coef"])
        head.intercept_ = np.asarray(arrays[f"{prefix}.intercept"])
        head.classes_ = np.asarray(arrays[f"{prefix}.classes"])
        head.n_features_in_ = head.coef_.shape[1]
        return head
