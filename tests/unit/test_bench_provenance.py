"""RESULTS.md says whether its sections come from one run of `python -m bench` or from several."""
from bench.__main__ import provenance


def section(run: str | None, seconds: int = 60, name: str = "speed") -> dict:
    row = {"name": name, "mode": "full", "seconds": seconds}
    return row if run is None else {**row, "run": run}


def test_one_run_is_named_with_its_start_and_total_time():
    line = provenance([section("2026-12-02T14:40:00+00:00", 600), section("2026-12-02T14:40:00+00:00", 1200)])
    assert "one full run" in line and "2026-12-02T14:40:00+00:00" in line and "30 min" in line


def test_sections_from_different_or_unrecorded_runs_are_not_called_one_run():
    line = provenance([section("A", name="retrieval"), section("A", name="tuning"), section("B", name="speed")])
    assert "2 runs" in line and "retrieval, tuning from A" in line and "speed from B" in line
    assert "one" not in provenance([section(None)])
