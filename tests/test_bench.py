"""`make bench` cannot rot: a tiny run of it, end to end (corpus, gunicorn, wrk, the table)."""

import json
import os
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


def test_the_blocks_profile_runs_and_republishes_with_few_queries_a_page(tmp_path):
    """`python -m bench.blocks_profile` (where republishing a shared block's pages spends its
    time) runs, on its own SQLite file, and a page costs about one query, not thirty."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/profile.sqlite3"

    finished = subprocess.run(
        [sys.executable, "-m", "bench.blocks_profile", "--pages", "40", "--top", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert finished.returncode == 0, finished.stderr
    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    assert measured["pages"] == 40 and measured["database"] == "sqlite"
    assert measured["queries_per_page"] <= 2
