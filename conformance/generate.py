"""Make the stored expectations by running every case in PyTorch.

    PYTHONPATH=. /path/to/python-with-torch conformance/generate.py [--families F ...] [--ops P]

Needs torch==2.13.0 (the CPU build on this machine's disk; never let pip fetch another). Only
the named families (default: all) are rewritten; with --ops, only the matching cases' records
are replaced and the rest of each file is kept. The manifest records the torch version.
"""
from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance import expectations  # noqa: E402
from conformance.cases import all_cases  # noqa: E402
from conformance.run import run_case  # noqa: E402


def main(argv=None) -> int:
    import torch
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", nargs="*")
    parser.add_argument("--ops")
    options = parser.parse_args(argv)
    torch.set_num_threads(1)
    families = all_cases()
    for family, cases in families.items():
        if options.families and family not in options.families:
            continue
        records = expectations.load(family) if options.ops else {}
        for case in cases:
            if options.ops and not fnmatch.fnmatch(case.op_name, options.ops):
                continue
            for dtype in case.dtypes:
                records[expectations.key(case, dtype)] = expectations.encode(
                    run_case(torch, case, dtype))
        expectations.save(family, records)
        print(f"{family}: {len(records)} records")
    manifest = expectations.manifest()
    manifest.update({"torch": torch.__version__, "numpy": __import__("numpy").__version__,
                     "generated": datetime.date.today().isoformat()})
    expectations.MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
