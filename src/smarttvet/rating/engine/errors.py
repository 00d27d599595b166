"""The engine's exceptions: one for a bad methodology, one for bad data.

Both carry enough structure for a caller to point at the offending place: a methodology problem names
its key path (``indicators[3].normalisation.max``); a data problem names the unit and the indicator,
which the tabular reader turns into a spreadsheet row and column.
"""

from __future__ import annotations


class MethodologyError(ValueError):
    """A methodology file that does not validate; ``problems`` lists ``(key path, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("\n".join(f"{path}: {message}" if path else message for path, message in self.problems))


class DataError(ValueError):
    """Data the engine cannot rate; ``unit`` and ``indicator`` locate the cell when there is one."""

    def __init__(self, message: str, *, unit: str | None = None, indicator: str | None = None):
        self.unit = unit
        self.indicator = indicator
        super().__init__(message)
