"""Checks every golden widget of src/widgets/golden/ (what the betting tools stream) against the
widget catalogue and the SDK's item model, so a widget the web component cannot render fails
here and not in a user's browser. Run: python tests/conformance/golden_widgets.py"""

import json
import pathlib
import sys

from chatkit_models import check_payload, widget_problems

GOLDEN = pathlib.Path(__file__).resolve().parents[2] / "src" / "widgets" / "golden"
EXPECTED_AT_LEAST = 11


def main() -> int:
    files = sorted(GOLDEN.glob("*.json"))
    failed = 0
    for path in files:
        widget = json.loads(path.read_text())
        problems = widget_problems(widget)
        item = {"id": "msg_golden", "thread_id": "thr_golden", "created_at": "2025-01-15T17:00:00.000000Z",
                "type": "widget", "widget": widget}
        problems += check_payload("item", item).problems()
        if problems:
            failed += 1
            print(f"FAIL {path.name}: " + "; ".join(problems[:5]))
        else:
            print(f"PASS {path.name}")
    if len(files) < EXPECTED_AT_LEAST:
        print(f"FAIL only {len(files)} golden widgets found in {GOLDEN} (expected at least {EXPECTED_AT_LEAST})")
        failed += 1
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
