"""``python -m bench``: run every benchmark, each in its own process (each sets Django up its own way)."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ["bench.core", "bench.pipeline", "bench.extraction"]


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        failed += subprocess.run([sys.executable, "-m", module], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
