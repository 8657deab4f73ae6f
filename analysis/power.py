"""Size of a randomised control group for the offers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


@dataclass(frozen=True)
class ControlGroupPlan:
    """Group sizes to detect a lift in retention with a two-group comparison of proportions.

    Attributes
    ----------
    base_retention : float
        Share of customers expected to keep their activity without an offer.
    lift : float
        Absolute increase of that share to detect, e.g. 0.05 for 5 percentage points.
    alpha, power : float
        Significance level (two-sided) and power of the test.
    treatment_size, control_size : int
        Customers needed in each group (rounded up).
    """

    base_retention: float
    lift: float
    alpha: float
    power: float
    treatment_size: int
    control_size: int

    @property
    def total_size(self) -> int:
        """Customers needed in both groups together."""
        return self.treatment_size + self.control_size


def plan_control_group(
    base_retention: float,
    lift: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    control_ratio: float = 1.0,
) -> ControlGroupPlan:
    """Compute the group sizes needed to detect ``lift`` in retention.

    Uses Cohen's h (`statsmodels.stats.proportion.proportion_effectsize`) and
    the normal-approximation power of a two-sided test for two independent
    proportions (`statsmodels.stats.power.NormalIndPower`).

    Parameters
    ----------
    base_retention
        Retention without an offer, in (0, 1); for the selected customers it is
        1 minus their mean out-of-fold probability of decline.
    lift
        Absolute lift to detect; ``base_retention + lift`` must stay below 1.
    alpha
        Two-sided significance level.
    power
        Probability of detecting a true lift of that size.
    control_ratio
        Control group size divided by the treatment group size.
    """
    target = base_retention + lift
    if not 0 < base_retention < 1 or not 0 < target < 1 or lift <= 0:
        raise ValueError(f"need 0 < base_retention < base_retention + lift < 1, got {base_retention} and {lift}")
    effect = proportion_effectsize(target, base_retention)
    treatment = NormalIndPower().solve_power(
        effect_size=effect, alpha=alpha, power=power, ratio=control_ratio, alternative="two-sided"
    )
    treatment_size = math.ceil(treatment)
    return ControlGroupPlan(
        float(base_retention), float(lift), alpha, power, treatment_size, math.ceil(treatment_size * control_ratio)
    )


def assign_control_group(ids: pd.Index, control_size: int, *, random_state: int = 42) -> pd.Series:
    """Draw a simple random control group of ``control_size`` customers from ``ids``.

    Returns a boolean Series by id, True for customers who get no offer.
    """
    if not 0 <= control_size <= len(ids):
        raise ValueError(f"control_size must be between 0 and {len(ids)}, got {control_size}")
    rng = np.random.default_rng(random_state)
    in_control = np.zeros(len(ids), dtype=bool)
    in_control[rng.choice(len(ids), size=control_size, replace=False)] = True
    return pd.Series(in_control, index=ids, name="Контрольная группа")
