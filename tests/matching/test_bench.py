"""The engine benchmark's bookkeeping: where the time of a run went, phase by phase."""

from bench import engine as bench


def test_the_phases_of_a_stable_run_add_up_to_its_time() -> None:
    result = bench.case_stable(300, seed=1)
    phases = result["phases"]
    assert list(phases)[:2] == ["compiling the pool", "finding candidate pairs from skills"]
    assert "deferred acceptance" in phases
    assert "writing explanations" in phases
    assert list(phases)[-1] == "freeing memory"
    assert all(seconds >= 0 for seconds in phases.values())
    # Every moment of the run is in one phase: the phases cover the whole run and no more.
    assert abs(sum(phases.values()) - result["seconds"]) < 0.05


def test_the_solver_rounds_count_as_one_phase() -> None:
    phases = bench.case_optimal(300, seed=1)["phases"]
    assert "solving" in phases
    assert not any("round" in name for name in phases)


def test_the_lines_name_each_phase_of_a_run_that_has_them() -> None:
    run = {"case": "stable", "n": 1000, "seconds": 3.0}
    phases = {"compiling the pool": 1.0, "deferred acceptance": 1.96, "freeing memory": 0.04}
    [heading, _, line] = bench.phase_lines([{**run, "phases": phases}, {**run, "case": "dense"}])
    assert heading.startswith("Where the time went")
    # Phases under a twentieth of a second are left out.
    assert (
        line
        == "- stable at 1,000 x 1,000, 3.0 s: compiling the pool 1.0 s, deferred acceptance 2.0 s."
    )
    assert bench.phase_lines([run]) == []
