"""`make bench` cannot rot: a tiny run of it, end to end (corpus, gunicorn, wrk, the table)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)")
def test_the_benchmark_runs_end_to_end(tmp_path):
    output = tmp_path / "results.json"

    finished = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--redis", "", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert finished.returncode == 0, finished.stderr
    rows = json.loads(output.read_text())["databases"]["sqlite"]["3"]["rows"]
    for label in ["floor (constant 15 KB response)", "page, per-process cache (default)", "home"]:
        assert rows[label]["rps"] > 0, label
        assert rows[label]["non_2xx_3xx"] == 0, label
    assert rows["page, per-process cache (default)"]["queries"][1] == 0  # from memory
    assert "floor" in finished.stdout and "search" in finished.stdout
