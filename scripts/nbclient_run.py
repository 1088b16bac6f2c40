#!/usr/bin/env python3
"""Execute a notebook through a real Jupyter kernel (nbclient) and write the result.

    .venv/bin/python scripts/nbclient_run.py IN.ipynb OUT.ipynb [--timeout S] [--kernel tslab]
                                              [--allow-errors] [--startup-timeout S] [--report R.json]
                                              [--cwd DIR]

This is the path a user's JupyterLab takes (kernel process, ZeroMQ messages,
Jupyter message types), unlike the in-process headless runner. Cells run with
the notebook's own folder as the working directory, as in JupyterLab (--cwd
overrides it, e.g. to run a temporary copy as if it sat in the original folder).

tslab reports a failing cell (type error or exception) as text on stderr plus
an execute_reply with status "error"; it sends no "error" output. So a cell
counts as failed when its reply status is not "ok" or it has an error output.
--report writes JSON: {"exit": N, "cells": [{"index", "execution_count",
"status"}]} with one entry per executed code cell (index counts all cells). Run it
with the project venv's Python and environment (scripts/python-env.js) so the
tslab kernel spec in .venv is the one found.

Exit codes:
  0  every cell ran and no output is an error
  1  a cell raised an error (OUT is still written, holding the error output;
     without --allow-errors execution stops at that cell)
  2  bad usage or unreadable / invalid input notebook (OUT and --report not written)
  3  a cell ran longer than --timeout seconds (OUT written with outputs so far)
  4  the kernel could not start or died (OUT written if any cell ran)
"""

import argparse
import json
import os
import sys

EXIT_OK, EXIT_CELL_ERROR, EXIT_USAGE, EXIT_TIMEOUT, EXIT_KERNEL = 0, 1, 2, 3, 4


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="notebook to execute")
    p.add_argument("output", help="where to write the executed notebook (may equal input)")
    p.add_argument("--timeout", type=float, default=300, help="per-cell timeout in seconds (default 300)")
    p.add_argument("--startup-timeout", type=float, default=120, help="kernel start timeout (default 120)")
    p.add_argument("--kernel", default="tslab", help="kernel spec name (default tslab)")
    p.add_argument("--allow-errors", action="store_true", help="keep running after a cell error")
    p.add_argument("--report", help="write per-cell execute_reply statuses as JSON to this file")
    p.add_argument("--cwd", help="kernel working directory (default: the input notebook's folder)")
    return p.parse_args(argv)


def has_error_output(nb):
    return any(
        out.get("output_type") == "error"
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


def main(argv=None):
    try:
        args = parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on bad usage, 0 on --help
        return e.code if isinstance(e.code, int) else EXIT_USAGE

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    try:
        nb = nbformat.read(args.input, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # missing file, bad JSON, schema violation
        print("error: cannot read notebook %s: %s" % (args.input, e), file=sys.stderr)
        return EXIT_USAGE

    workdir = os.path.abspath(args.cwd) if args.cwd else os.path.dirname(os.path.abspath(args.input))
    if not os.path.isdir(workdir):
        print("error: --cwd %s is not a directory" % workdir, file=sys.stderr)
        return EXIT_USAGE
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        allow_errors=args.allow_errors,
        record_timing=False,  # keep executed notebooks free of wall-clock noise
        resources={"metadata": {"path": workdir}},
    )

    statuses = []

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        content = (execute_reply or {}).get("content", {})
        statuses.append(
            {"index": cell_index, "execution_count": content.get("execution_count"), "status": content.get("status", "missing")}
        )

    client.on_cell_executed = on_cell_executed

    code = EXIT_OK
    ran_any = True
    try:
        client.execute()
    except CellTimeoutError as e:
        print("error: cell timed out after %gs: %s" % (args.timeout, e), file=sys.stderr)
        code = EXIT_TIMEOUT
    except DeadKernelError as e:
        print("error: kernel died: %s" % e, file=sys.stderr)
        code = EXIT_KERNEL
    except CellExecutionError as e:
        print("error: a cell raised an error:\n%s" % e, file=sys.stderr)
        code = EXIT_CELL_ERROR
    except Exception as e:  # kernel spec missing, kernel failed to start, ...
        print("error: could not run the kernel %r: %s: %s" % (args.kernel, type(e).__name__, e), file=sys.stderr)
        code = EXIT_KERNEL
        ran_any = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")

    failed = any(s["status"] != "ok" for s in statuses) or has_error_output(nb)
    if code == EXIT_OK and failed:
        code = EXIT_CELL_ERROR  # an --allow-errors run that met an error
        bad = [str(s["index"]) for s in statuses if s["status"] != "ok"]
        print("error: cells with an error (0-based index): %s" % (", ".join(bad) or "see error outputs"), file=sys.stderr)
    if ran_any:
        nbformat.write(nb, args.output)
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"exit": code, "cells": statuses}, f, indent=1)
    return code


if __name__ == "__main__":
    sys.exit(main())
