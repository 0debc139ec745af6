"""Benchmark: ``analyze`` of a 60-page text PDF, all stages, including model load.

Runs ``ketenlens analyze`` in a fresh process (as a user would), with a cold
embedding cache, and reports wall time per stage and peak memory. Target on two
cores: at most 15 s and 1.5 GB.

Run: ``.venv/bin/python bench/analyze.py [--pages 60]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()
    from parse import long_pdf  # the same generated document as bench/parse.py

    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "long.pdf"
        long_pdf(pdf, args.pages)
        env = dict(os.environ, KETENLENS_CACHE=str(Path(tmp) / "cache"))  # cold cache: nothing embedded before
        code = (
            "import json, resource, time, sys\n"
            "t0 = time.perf_counter()\n"
            "from analyzer.pipeline import analyze\n"
            f"r = analyze({str(pdf)!r}, category='workwear')\n"
            "total = time.perf_counter() - t0\n"
            "print(json.dumps({'total': total, 'stages': r.timings, 'passages': len(r.parsed.passages),"
            " 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
        )
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        wall = time.perf_counter() - start
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print("| pages | passages | wall incl. Python start (s) | analyze() (s) | peak memory (MB) |\n|---:|---:|---:|---:|---:|")
    print(f"| {args.pages} | {result['passages']} | {wall:.1f} | {result['total']:.1f} | {result['peak_mb']:.0f} |")
    print("stages (s): " + ", ".join(f"{k} {v:.2f}" for k, v in result["stages"].items()))


if __name__ == "__main__":
    main()
