"""A faster copy of a fitted model whose binary RBF SVMs compute the kernel with BLAS.

libsvm evaluates the kernel one row at a time on one core, which makes SHAP
(hundreds of thousands of model calls) slow. The same decision function is
a matrix product plus an exponential, which numpy computes in blocks.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

# Rows per block: a block's kernel matrix is ROWS x support vectors floats
# (about 16 MB for 500 support vectors).
_BLOCK_ROWS = 4096


class _BlasRBFSVC(SVC):
    """A fitted binary RBF `SVC` whose `decision_function` uses numpy instead of libsvm."""

    @classmethod
    def from_fitted(cls, svc: SVC) -> _BlasRBFSVC:
        fast = cls.__new__(cls)
        fast.__dict__.update(copy.deepcopy(svc.__dict__))
        return fast

    def decision_function(self, X: Any) -> np.ndarray:
        X = self._validate_for_predict(X)
        support = self.support_vectors_
        # In the binary case sklearn's public dual_coef_ and intercept_ already
        # carry the sign of its decision_function (positive means classes_[1]).
        coef = self.dual_coef_[0]
        support_sq = np.einsum("ij,ij->i", support, support)
        # The products are small (block x features x support vectors), and one
        # BLAS thread per call was 4 times faster than two on a busy 2-core machine.
        with threadpool_limits(limits=1, user_api="blas"):
            decision = self._blocked_decision(X, support, coef, support_sq)
        return decision + self.intercept_[0]

    def _blocked_decision(
        self, X: np.ndarray, support: np.ndarray, coef: np.ndarray, support_sq: np.ndarray
    ) -> np.ndarray:
        decision = np.empty(X.shape[0])
        for start in range(0, X.shape[0], _BLOCK_ROWS):
            block = X[start : start + _BLOCK_ROWS]
            # exp(-gamma * |x - s|^2) with |x - s|^2 = |x|^2 + |s|^2 - 2 x.s
            kernel = block @ support.T
            kernel *= 2.0
            kernel -= support_sq
            kernel -= np.einsum("ij,ij->i", block, block)[:, None]
            kernel *= self._gamma
            np.exp(kernel, out=kernel)
            decision[start : start + _BLOCK_ROWS] = kernel @ coef
        return decision


def _is_replaceable(estimator: Any) -> bool:
    return (
        type(estimator) is SVC
        and estimator.kernel == "rbf"
        and len(estimator.classes_) == 2
        and not estimator._sparse
    )


def _replace_svms(estimator: Any) -> tuple[Any, int]:
    if _is_replaceable(estimator):
        return _BlasRBFSVC.from_fitted(estimator), 1
    replaced = 0
    if isinstance(estimator, CalibratedClassifierCV):
        for calibrated in estimator.calibrated_classifiers_:
            calibrated.estimator, count = _replace_svms(calibrated.estimator)
            replaced += count
    elif isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        last, count = _replace_svms(last)
        estimator.steps[-1] = (name, last)
        replaced += count
    return estimator, replaced


def with_fast_rbf_svm(model: Any) -> tuple[Any, int]:
    """Return a deep copy of ``model`` with every binary RBF `SVC` computing its kernel with BLAS.

    SVMs are looked for in the final model, in the estimators of a fitted
    `CalibratedClassifierCV` and in the last step of a `Pipeline`. Anything
    else is copied unchanged, so the copy works for every model.

    Parameters
    ----------
    model
        A fitted scikit-learn estimator.

    Returns
    -------
    fast_model
        The copy; its outputs equal the original's up to floating-point rounding
        (about 1e-13 on the decision function).
    replaced
        How many SVMs were replaced; 0 means the copy is the original model.
    """
    return _replace_svms(copy.deepcopy(model))
