#!/usr/bin/env python3
"""Execute notebooks one after another through the real tslab kernel, as nbgrader's autograde does.

    .venv/bin/python bench/grade/nbclient_batch.py --timeout S --report R.json NB1.ipynb NB2.ipynb ...

One Python process; for each notebook a fresh kernel (nbclient's NotebookClient),
every cell executed with allow_errors and interrupt_on_timeout (nbgrader's
settings for autograding), then the kernel is shut down. Nothing is scored:
this is the execution cost nbgrader pays before it can read any result.
The report lists each notebook's outcome and seconds.
"""

import argparse
import json
import os
import sys
import time


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("notebooks", nargs="+")
    p.add_argument("--timeout", type=float, default=30, help="per-cell timeout in seconds")
    p.add_argument("--kernel", default="tslab")
    p.add_argument("--report", required=True)
    args = p.parse_args(argv)

    import nbformat
    from nbclient import NotebookClient

    results = []
    for path in args.notebooks:
        started = time.monotonic()
        outcome = "ok"
        try:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(
                nb,
                kernel_name=args.kernel,
                timeout=args.timeout,
                allow_errors=True,
                interrupt_on_timeout=True,
                record_timing=False,
                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
            )
            client.execute()
            if any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])):
                outcome = "error"
        except Exception as e:  # a dead kernel or an unreadable notebook ends this notebook only
            outcome = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        results.append({"notebook": path, "outcome": outcome, "seconds": time.monotonic() - started})
        print("%d/%d %s %s %.1fs" % (len(results), len(args.notebooks), os.path.basename(path), outcome, results[-1]["seconds"]), file=sys.stderr, flush=True)
    with open(args.report, "w") as f:
        json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
