#!/usr/bin/env python3
"""Drive a real Jupyter kernel message by message (jupyter_client, as nbclient does).

    .venv/bin/python test/helpers/kernel_session.py SCRIPT.json OUT.json

SCRIPT: {"kernel": "tslab", "cwd": DIR, "batches": [[{"code": ..., "stop_on_error": bool}, ...], ...]}
Each batch's requests are sent at once, without waiting for replies (so a
request can be waiting in the kernel's queue while an earlier one fails);
the next batch is sent after every reply and iopub "idle" of this one.
OUT: {"batches": [[{"reply": execute_reply content, "iopub": [{"msg_type", "content"}]}, ...], ...]}
with the iopub messages whose parent is that request, in arrival order.
"""

import json
import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT = 180


def run_batch(kc, batch):
    ids = [kc.execute(r["code"], stop_on_error=r.get("stop_on_error", True)) for r in batch]
    replies = {}
    while len(replies) < len(ids):
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        parent = msg["parent_header"].get("msg_id")
        if parent in ids:
            replies[parent] = msg["content"]
    iopub = {i: [] for i in ids}
    idle = set()
    while len(idle) < len(ids):
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        parent = msg["parent_header"].get("msg_id")
        if parent not in iopub:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                idle.add(parent)
            continue
        iopub[parent].append({"msg_type": msg["msg_type"], "content": msg["content"]})
    return [{"reply": replies[i], "iopub": iopub[i]} for i in ids]


def main():
    with open(sys.argv[1]) as f:
        script = json.load(f)
    km, kc = start_new_kernel(kernel_name=script.get("kernel", "tslab"), cwd=script["cwd"], startup_timeout=TIMEOUT)
    try:
        out = {"batches": [run_batch(kc, batch) for batch in script["batches"]]}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
