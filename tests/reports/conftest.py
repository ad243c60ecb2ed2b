"""Reports tests: ``reports.figures.compute`` stands in with known figures (the figures part is tested
on its own), counting its calls."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.reports.sample import figures


@pytest.fixture
def compute(monkeypatch):
    """The figures module replaced: returns the sample figures, records its calls; ``fail`` makes the
    next call raise (a simulated worker failure)."""
    state = SimpleNamespace(calls=[], fail=None)

    def fake(period, bureau, *, as_of, progress=None):
        state.calls.append((str(period), bureau.code if bureau else None, as_of))
        if progress is not None:
            progress(50)
        if state.fail is not None:
            exc, state.fail = state.fail, None
            raise exc
        result = figures()
        result["period"] = str(period)
        result["bureau"] = {"code": bureau.code, "name": bureau.name} if bureau else None
        return result

    monkeypatch.setattr("reports.figures.compute", fake)
    return state
