"""Size budgets of style.md rule 22: a module ≤ 600 lines, a function ≤ 60 lines (migrations excepted)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_MAX, FUNCTION_MAX = 600, 60


def main() -> int:
    problems = []
    for path in sorted(Path("src").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if (lines := text.count("\n")) > MODULE_MAX:
            problems.append(f"{path}: {lines} lines > {MODULE_MAX}")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_MAX:
                    problems.append(f"{path}:{node.lineno} {node.name}() is {length} lines > {FUNCTION_MAX}")
    print("\n".join(problems) or "size budgets ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
