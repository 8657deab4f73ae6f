"""A small weighted background sample that summarises the customers for SHAP."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.compose import make_column_transformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler


@dataclass(frozen=True)
class Background:
    """Real customers representing all customers, with the share each one represents.

    Attributes
    ----------
    rows : pandas.DataFrame
        Raw feature rows of the chosen customers, indexed by their id.
    weights : numpy.ndarray
        Share of all customers that each row represents; the shares sum to 1.
    """

    rows: pd.DataFrame
    weights: np.ndarray


def summarise_background(
    features: pd.DataFrame, size: int = 10, *, random_state: int = 42
) -> Background:
    """Choose ``size`` medoids of a k-means clustering of the customers as the SHAP background.

    shap.kmeans would return centroids, which are not valid rows when some
    features are categorical, so each cluster is represented by the real
    customer nearest its centroid and weighted by the cluster's size.
    Clustering runs on one-hot categories and standardised numbers.

    Parameters
    ----------
    features
        Raw feature rows, one per customer; object, string and category
        columns are treated as categorical.
    size
        Number of background rows; all rows are used, with equal weights,
        when there are no more than ``size`` customers.
    random_state
        Seed of k-means.
    """
    if size < 1:
        raise ValueError(f"background size must be at least 1, got {size}")
    if len(features) <= size:
        return Background(features.copy(), np.full(len(features), 1.0 / len(features)))

    numeric = features.select_dtypes("number").columns.tolist()
    categorical = [column for column in features.columns if column not in numeric]
    encoder = make_column_transformer(
        (OneHotEncoder(sparse_output=False, handle_unknown="ignore"), categorical),
        (StandardScaler(), numeric),
    )
    encoded = encoder.fit_transform(features)
    kmeans = KMeans(n_clusters=size, n_init=4, random_state=random_state).fit(encoded)

    distances = kmeans.transform(encoded)
    medoids = np.empty(size, dtype=int)
    for cluster in range(size):
        members = np.flatnonzero(kmeans.labels_ == cluster)
        medoids[cluster] = members[np.argmin(distances[members, cluster])]
    weights = np.bincount(kmeans.labels_, minlength=size) / len(features)
    return Background(features.iloc[medoids].copy(), weights)
