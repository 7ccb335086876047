"""``python -m kho`` is the same as ``kho``."""

import sys

from kho.cli import main

sys.exit(main())
