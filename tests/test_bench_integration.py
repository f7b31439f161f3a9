"""`govassist bench` end to end at a small scale: every key the targets are set on is written.

Nothing here judges the numbers (no timed tests); the full run is `govassist bench`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parent.parent

TARGET_KEYS = (
    "query_p50_ms",
    "query_p95_ms",
    "ingest_embed_overhead",
    "scale_query_p95_ratio",
    "startup_first_answer_s",
    "concurrent_30_p95_ms",
    "peer_query_ratio",
    "peer_index_ratio",
    "cold_query_p95_ms",
    "cold_query_p95_ms_devdocs",
    "cold_query_p95_ms_2x",
    "pdf_20_pages_ingest_s",
    "ingest_peak_rss_mb",
)


def test_bench_writes_every_key(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    command = [sys.executable, "-m", "app.cli", "bench", "--json", str(out)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        # The PDF's ingest at a tenth of its pages: the 200-page one is a minute of encoding.
        [*command, "--scale", "2", "--repeats", "1", "--pdf-pages", "20"],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert json.loads(done.stdout) == results
    for key in TARGET_KEYS:
        assert isinstance(results[key], float) and results[key] > 0, key
    assert set(results["query_stages_ms"]) == {"embed", "dense", "lexical", "fusion", "compose"}
    assert set(results["ingest_stages_s"]) == {"parse", "chunk", "embed", "duties", "write"}
    assert results["ingest_seconds_2x"] > 0 and results["ingest_seconds_10x"] > 0
    assert results["chunks_at_scale"] > 0
    # Every sentence vector was stored at ingest: none is computed on a question's first sight.
    assert results["cold_sentence_vectors_computed_per_question"] == 0
    assert 200 < results["ingest_peak_rss_mb"] < 5000
    assert results["chunks_devdocs"] > 200 and results["chunks_pdf_20_pages"] > 100
