"""Aggregation up the tree of groups, vectorised across Monte Carlo draws, and the decomposition of a score.

Nodes are numbered: indicators ``0..p-1``, groups ``p..p+g-1`` (in the methodology's order), the index
``p+g``. Each non-root node ``m`` has one weight ``w_m`` inside its parent; a weight vector (one per draw)
has ``p+g`` entries and its entries inside a group sum to 1 (nominal weights are normalised that way).

For a group ``G`` with members ``m`` whose values ``v_m`` are available (``a_m = 1``) or not (``a_m = 0``)::

    arithmetic:  S_G = sum_m w_m a_m v_m / sum_m w_m a_m
    geometric:   S_G = exp( sum_m w_m a_m ln v_m / sum_m w_m a_m ),  S_G = 0 if some w_m a_m > 0 has v_m = 0

Dividing by the available weight is the ``reweight`` policy: a missing member's weight is shared by the
present ones in proportion to their weights. A group none of whose members is available is itself
unavailable in its parent. A zero weight (a left-out indicator) is exactly "not there".

Vectorisation: every array is ``(draws, units)``; indicator columns broadcast over the draws. The
members are accumulated one after another in the same order whatever the number of draws, so the
kernel gives bit-for-bit the same numbers for one draw as for that draw inside a batch.

Decomposition. ``contributions`` gives indicator contributions ``c_i`` with ``sum_i c_i = S``,
propagated top-down: a node passes its part of the index score to its members in proportion to
``w_m a_m v_m``. In an arithmetic group that is exact and additive (``w_m a_m v_m / sum w a`` of the
score is member ``m``'s term). In a geometric group it is a convention - the members share the group's
score as they would share their weighted arithmetic mean, so a higher value always means a larger part.
The exact decomposition of a geometric group is multiplicative: ``log_contributions`` gives, for each
member ``m`` of each geometric group, ``l_m = w_m a_m ln v_m / sum w a``, and ``sum_m l_m = ln S``
(0 is the best, every shortfall is negative; ``-inf`` for a member at 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smarttvet.rating.engine.methodology import Methodology


@dataclass(frozen=True)
class Structure:
    """The methodology's tree compiled to index arrays."""

    n_indicators: int
    node_codes: tuple[str, ...]          # indicators, groups, index
    parent: np.ndarray                   # (p+g,) parent node of each non-root node
    nominal_weights: np.ndarray          # (p+g,) weights normalised within each group
    members: tuple[np.ndarray, ...]      # for group node p+k: its member nodes
    aggregation: tuple[str, ...]         # for group node p+k
    evaluation_order: tuple[int, ...]    # group nodes, members before their group, the index last

    @property
    def n_nodes(self) -> int:
        return len(self.node_codes)

    @property
    def root(self) -> int:
        return self.n_nodes - 1

    @property
    def n_groups(self) -> int:
        """Groups other than the index."""
        return self.n_nodes - self.n_indicators - 1

    def group_members(self, node: int) -> np.ndarray:
        return self.members[node - self.n_indicators]

    def group_aggregation(self, node: int) -> str:
        return self.aggregation[node - self.n_indicators]


def compile_structure(methodology: Methodology) -> Structure:
    indicators = methodology.indicator_codes
    groups = (*methodology.groups, methodology.index)
    codes = (*indicators, *(g.code for g in groups))
    number = {code: position for position, code in enumerate(codes)}
    parent = np.zeros(len(codes) - 1, dtype=np.int64)
    weights = np.zeros(len(codes) - 1)
    members = []
    for group in groups:
        total = sum(member.weight for member in group.members)
        nodes = np.array([number[member.code] for member in group.members], dtype=np.int64)
        for member, node in zip(group.members, nodes, strict=True):
            parent[node] = number[group.code]
            weights[node] = member.weight / total
        members.append(nodes)
    p = len(indicators)
    order: list[int] = []

    def visit(node: int) -> None:
        for member in members[node - p]:
            if member >= p:
                visit(int(member))
        order.append(node)

    visit(len(codes) - 1)
    return Structure(p, codes, parent, weights, tuple(members), tuple(g.aggregation for g in groups), tuple(order))


@dataclass(frozen=True)
class LeafValues:
    """Indicator values ready for aggregation: ``(units, indicators)`` arrays."""

    values: np.ndarray            # normalised, 0 where unavailable
    available: np.ndarray         # float 0/1
    logs: np.ndarray              # ln(value) where value > 0 and available, else 0
    zeros: np.ndarray             # float 0/1: available and exactly 0
    fully_available: np.ndarray   # (indicators,) bool: available for every unit
    has_zeros: np.ndarray         # (indicators,) bool

    @classmethod
    def build(cls, values: np.ndarray, available: np.ndarray) -> LeafValues:
        available = available.astype(bool)
        clean = np.where(available, values, 0.0)
        positive = available & (clean > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(positive, np.log(np.where(positive, clean, 1.0)), 0.0)
        zeros = available & (clean == 0)
        return cls(clean, available.astype(float), logs, zeros.astype(float), available.all(axis=0),
                   zeros.any(axis=0))

    def copy(self) -> LeafValues:
        return LeafValues(*(getattr(self, name).copy() for name in self.__dataclass_fields__))

    def set_column(self, j: int, values: np.ndarray, available: np.ndarray) -> None:
        """Rebuild column ``j`` in place (the numbers ``build`` gives); for private copies only."""
        column = LeafValues.build(values[:, None], available[:, None])
        for name in self.__dataclass_fields__:
            getattr(self, name)[..., j] = getattr(column, name)[..., 0]


def aggregate(structure: Structure, leaves: LeafValues, weights: np.ndarray, *, keep_groups: bool = False
              ) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[np.ndarray, np.ndarray]]]:
    """Scores of the index for a batch of weight vectors.

    ``weights`` is ``(draws, p+g)``. Returns the index score and availability, both ``(draws, units)``
    (the score is 0 where unavailable), and, when ``keep_groups``, every group node's (score, available).

    Values and logs are 0 where unavailable, so ``w a v = w v`` exactly and the numerator needs no mask.
    The available weight of indicators available for every unit is kept per draw ``(draws, 1)``, the rest
    per unit; which path a member takes depends on the data only, never on the batch.
    """
    p = structure.n_indicators
    n_draws = weights.shape[0]
    n_units = leaves.values.shape[0]
    term = np.empty((n_draws, n_units))
    computed: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for node in structure.evaluation_order:
        geometric = structure.group_aggregation(node) == "geometric"
        numerator = np.zeros((n_draws, n_units))
        whole_weight = np.zeros((n_draws, 1))         # members available for every unit
        partial_weight: np.ndarray | None = None      # the others: (draws, units)
        zero_weight: np.ndarray | None = None
        for member in structure.group_members(node):
            member = int(member)
            w = weights[:, member][:, None]
            if member < p:
                value = leaves.logs[:, member] if geometric else leaves.values[:, member]
                whole = bool(leaves.fully_available[member])
                available = leaves.available[:, member]
                is_zero = leaves.zeros[:, member] if geometric and leaves.has_zeros[member] else None
            else:
                group_value, available_mask = computed[member]
                whole = False  # decided per member, never per batch, so a draw's bits do not depend on its batch
                available = available_mask.astype(float)
                if geometric:
                    positive = group_value > 0
                    value = np.log(np.where(positive, group_value, 1.0))
                    zeros = available_mask & ~positive
                    is_zero = zeros.astype(float) if zeros.any() else None
                else:
                    value = group_value
            np.multiply(w, value, out=term)
            numerator += term
            if whole:
                whole_weight += w
            else:
                np.multiply(w, available, out=term)
                if partial_weight is None:
                    partial_weight = term.copy()
                else:
                    partial_weight += term
            if is_zero is not None:
                np.multiply(w, is_zero, out=term)
                if zero_weight is None:
                    zero_weight = term.copy()
                else:
                    zero_weight += term
        denominator = whole_weight if partial_weight is None else partial_weight + whole_weight
        present = np.broadcast_to(denominator > 0, (n_draws, n_units))
        score = numerator / np.where(denominator > 0, denominator, 1.0)
        if geometric:
            score = np.exp(score)
            if zero_weight is not None:
                score[zero_weight > 0] = 0.0
        if not present.all():
            score = np.where(present, score, 0.0)
        computed[node] = (score, present)
        if not keep_groups:
            for member in structure.group_members(node):
                computed.pop(int(member), None)
    root_score, root_present = computed[structure.root]
    return root_score, root_present, computed if keep_groups else {}


def contributions(structure: Structure, leaves: LeafValues, weights: np.ndarray,
                  groups: dict[int, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Indicator contributions ``(units, indicators)`` to the index score of one draw (see module doc).

    ``weights`` is one weight vector ``(p+g,)``; ``groups`` the node scores from ``aggregate`` with
    ``keep_groups=True`` for that single draw.
    """
    p = structure.n_indicators
    score, present = _node_values(structure, leaves, groups)
    take = {structure.root: np.where(present[structure.root], score[structure.root], 0.0)}
    for node in reversed(structure.evaluation_order):
        members = [int(m) for m in structure.group_members(node)]
        terms = np.array([weights[m] * present[m] * score[m] for m in members], dtype=float)
        total = terms.sum(axis=0)
        safe_total = np.where(total > 0, total, 1.0)
        for k, m in enumerate(members):
            take[m] = np.where(total > 0, take[node] * terms[k] / safe_total, 0.0)
    return np.stack([take[i] for i in range(p)], axis=1)


def log_contributions(structure: Structure, leaves: LeafValues, weights: np.ndarray,
                      groups: dict[int, tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """``(units, p+g)``: each geometric group's members' log-contributions, NaN for other nodes."""
    score, present = _node_values(structure, leaves, groups)
    n_units = leaves.values.shape[0]
    result = np.full((n_units, structure.n_nodes - 1), np.nan)
    for node in structure.evaluation_order:
        if structure.group_aggregation(node) != "geometric":
            continue
        members = [int(m) for m in structure.group_members(node)]
        weight_present = np.array([weights[m] * present[m] for m in members], dtype=float)
        total = weight_present.sum(axis=0)
        safe_total = np.where(total > 0, total, 1.0)
        for k, m in enumerate(members):
            with np.errstate(divide="ignore", invalid="ignore"):
                logs = np.where(present[m], np.log(np.where(present[m], score[m], 1.0)), 0.0)
                value = np.where(weight_present[k] > 0, weight_present[k] * logs, 0.0) / safe_total
            result[:, m] = np.where(present[node], value, np.nan)
    return result


def _node_values(structure: Structure, leaves: LeafValues, groups: dict[int, tuple[np.ndarray, np.ndarray]]
                 ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    score = {node: values[0] for node, (values, _) in groups.items()}
    present = {node: available[0] for node, (_, available) in groups.items()}
    for i in range(structure.n_indicators):
        score[i] = leaves.values[:, i]
        present[i] = leaves.available[:, i] > 0
    return score, present
