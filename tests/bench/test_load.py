"""bench/load.py runs end to end in its quickest mode and prints every figure (nothing timed)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_quick_load_bench_prints_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert any("Kwissle" in line and "µs per delivered message" in line for line in lines)
    assert any("bare Tornado" in line and "µs per delivered message" in line for line in lines)
    assert any(line.strip().startswith("ratio ") for line in lines)
    assert any("CPU per answered question" in line for line in lines)
    for battles in (3, 6):
        assert any(f"{battles} battles:" in line and "p99" in line for line in lines), lines
    assert sum("pauses: gen0" in line for line in lines) == 2
