"""Fusing biometric and biographic evidence into one decision that explains itself.

Both kinds of evidence are turned into log2 likelihood ratios and added (they are taken as
independent given the match status, as Fellegi–Sunter already does between fields):

- biographic: the Splink match weight without its prior (sum of the fields' weights);
- biometric: log2 of the genuine over impostor density of the cosine score, each modelled as
  a normal distribution fitted on mated and non-mated scores (:meth:`ScoreModel.fit`).

The prior (log2 odds that two records match) is added once. Decision bands are those of
:mod:`amparo.identity.outcomes`. NumPy (the ``linkage`` extra) is needed only to fit a
:class:`ScoreModel` on observed scores; fusing is plain arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amparo.errors import MissingExtra
from amparo.identity.outcomes import Outcome, outcome_for

if TYPE_CHECKING:
    import numpy as np


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:
        raise MissingExtra("numpy", "linkage") from exc
    return numpy


@dataclass(frozen=True)
class ScoreModel:
    """Normal models of genuine and impostor comparison scores of one matcher."""

    genuine_mean: float
    genuine_sd: float
    impostor_mean: float
    impostor_sd: float

    @classmethod
    def fit(cls, genuine: np.ndarray, impostor: np.ndarray) -> ScoreModel:
        """Fit both normals on observed mated and non-mated scores (needs NumPy)."""
        xp = _numpy()
        return cls(
            float(xp.mean(genuine)),
            float(xp.std(genuine)) or 1e-3,
            float(xp.mean(impostor)),
            float(xp.std(impostor)) or 1e-3,
        )

    def log2_lr(self, score: float, cap: float = 30.0) -> float:
        """log2 of genuine density over impostor density at ``score``, capped at ±cap."""

        def log_pdf(x: float, mean: float, sd: float) -> float:
            return -0.5 * ((x - mean) / sd) ** 2 - math.log(sd)

        value = (
            log_pdf(score, self.genuine_mean, self.genuine_sd)
            - log_pdf(score, self.impostor_mean, self.impostor_sd)
        ) / math.log(2)
        return max(-cap, min(cap, value))


#: Genuine and impostor cosine scores of the synthetic capture model (fitted on 7,125 mated and
#: 50,000 non-mated pairs of ``synth.generate(20000, 3)``). An installation replaces it with
#: its matcher's own calibration (``ScoreModel.fit`` on labelled mated/non-mated scores).
DEFAULT_FACE_SCORES = ScoreModel(
    genuine_mean=0.712, genuine_sd=0.072, impostor_mean=0.0006, impostor_sd=0.0882
)


@dataclass(frozen=True)
class FusedLink:
    """A fused decision with every part of its evidence."""

    probability: float
    outcome: Outcome
    explanation: dict[str, Any]


def fuse(
    *,
    prior_log2_odds: float,
    field_weights: dict[str, float],
    biometric_score: float | None,
    score_model: ScoreModel | None,
) -> FusedLink:
    """Combine the prior, the biographic field weights and the biometric score."""
    biographic = sum(field_weights.values())
    biometric = score_model.log2_lr(biometric_score) if biometric_score is not None and score_model else 0.0
    total = prior_log2_odds + biographic + biometric
    probability = 1.0 / (1.0 + 2.0 ** (-total)) if total > -1000 else 0.0
    outcome = outcome_for(probability)
    return FusedLink(
        probability,
        outcome,
        {
            "prior_log2_odds": round(prior_log2_odds, 3),
            "fields": {k: round(v, 3) for k, v in field_weights.items()},
            "agreed": sorted(k for k, v in field_weights.items() if v > 0),
            "biographic_weight": round(biographic, 3),
            "biometric_score": None if biometric_score is None else round(biometric_score, 4),
            "biometric_weight": round(biometric, 3),
            "total_weight": round(total, 3),
        },
    )
