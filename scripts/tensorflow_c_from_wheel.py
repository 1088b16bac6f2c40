"""Lays out TensorFlow's C library from a tensorflow-cpu wheel the way tfjs-node's build expects.

    python3 scripts/tensorflow_c_from_wheel.py WHEEL DEPS_DIR BINDING_DIR

Called by scripts/setup-tfjs-node.js (Python only because the wheel is a zip
file and Node has no zip reader built in). Writes into DEPS_DIR:

  lib/libtensorflow_cc.so.2, lib/libtensorflow_framework.so.2   the shared libraries
  include/...   the C headers the binding's sources include, and the headers those
                include in turn (14 files for TF 2.21), not the wheel's 300 MB of C++ headers

Prints one JSON line: {"libraries": [...], "headers": N}.
"""

import json
import os
import re
import shutil
import sys
import zipfile

LIBRARIES = ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2")
INCLUDE_ROOT = "tensorflow/include/"
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def binding_includes(binding_dir):
    """Every quoted #include of the binding's .cc/.h files (its own headers are simply not in the wheel)."""
    found = set()
    for name in sorted(os.listdir(binding_dir)):
        if name.endswith((".cc", ".h")):
            with open(os.path.join(binding_dir, name), encoding="utf8") as f:
                found.update(INCLUDE.findall(f.read()))
    return found


def header_closure(wheel, roots):
    """The wheel headers reachable from `roots` through quoted #includes."""
    names = set(wheel.namelist())
    todo = [h for h in roots if INCLUDE_ROOT + h in names]
    if not todo:
        fail("the wheel has none of the headers the binding includes (is it a TensorFlow 2.x wheel?)")
    seen = set()
    while todo:
        header = todo.pop()
        if header in seen or INCLUDE_ROOT + header not in names:
            continue
        seen.add(header)
        todo.extend(INCLUDE.findall(wheel.read(INCLUDE_ROOT + header).decode("utf8", "replace")))
    return sorted(seen)


def extract(wheel, member, target, mode):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with wheel.open(member) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    os.chmod(target, mode)


def main(argv):
    if len(argv) != 3:
        fail("usage: tensorflow_c_from_wheel.py WHEEL DEPS_DIR BINDING_DIR")
    wheel_path, deps, binding_dir = argv
    try:
        wheel = zipfile.ZipFile(wheel_path)
    except (OSError, zipfile.BadZipFile) as e:
        fail(f"cannot read {wheel_path} as a wheel: {e}")
    with wheel:
        names = set(wheel.namelist())
        for lib in LIBRARIES:
            if "tensorflow/" + lib not in names:
                fail(f"{os.path.basename(wheel_path)} has no tensorflow/{lib}")
            extract(wheel, "tensorflow/" + lib, os.path.join(deps, "lib", lib), 0o755)
        headers = header_closure(wheel, binding_includes(binding_dir))
        for header in headers:
            extract(wheel, INCLUDE_ROOT + header, os.path.join(deps, "include", header), 0o644)
    print(json.dumps({"libraries": list(LIBRARIES), "headers": len(headers)}))


if __name__ == "__main__":
    main(sys.argv[1:])
