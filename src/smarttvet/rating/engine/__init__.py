"""The composite-indicator rating engine: pure Python and NumPy, no Django.

Modules, in the order a computation uses them:

``methodology``  schema, validation (errors name the key path), YAML loading, stable hash
``normalise``    log transform, winsorisation, the five normalisations
``missing``      coverage, who is rated, missing-data policies
``aggregate``    the tree of groups, arithmetic/geometric aggregation vectorised over draws, decomposition
``ranking``      competition ranks ("1, 2, 2, 4"), vectorised
``leagues``      league rules (score threshold, rank quantile, gates), vectorised
``statistics``   summary, correlations and redundant pairs, histogram
``compute``      one computation (``compute``) and the shared prepared data (``Pipeline``)
``uncertainty``  Monte Carlo over weights, normalisations, missing-data policies, left-out indicators
``explain``      helps/hurts, the smallest change that lifts a unit a league, what-if
``tabular``      reading the data file (CSV/XLSX) with row/column errors
``cli``          ``main(argv)``: ``rating compute ...``
"""

from smarttvet.rating.engine.compute import Dataset, RunResult, Scenario, compute
from smarttvet.rating.engine.errors import DataError, MethodologyError
from smarttvet.rating.engine.explain import Explanation, WhatIf, explain, format_explanation, what_if
from smarttvet.rating.engine.methodology import (
    Methodology,
    load_methodology,
    loads_methodology,
    methodology_hash,
    parse_methodology,
)
from smarttvet.rating.engine.uncertainty import UncertaintyResult, monte_carlo, sample_draws

__all__ = [
    "DataError",
    "Dataset",
    "Explanation",
    "Methodology",
    "MethodologyError",
    "RunResult",
    "Scenario",
    "UncertaintyResult",
    "WhatIf",
    "compute",
    "explain",
    "format_explanation",
    "load_methodology",
    "loads_methodology",
    "methodology_hash",
    "monte_carlo",
    "parse_methodology",
    "sample_draws",
    "what_if",
]
