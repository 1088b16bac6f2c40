#!/usr/bin/env python3
"""nbgrader and `nnlab grade` give the same points, test cell by test cell.

    node scripts/nbgrader-parity.js [--exercises E01,E05] [--keep DIR] [--report R.json]

(the Node launcher installs nbgrader into .venv and runs this file with the
venv's Python and Jupyter environment; see docs/nbgrader.md).

In an nbgrader course folder outside the repository (a temporary one, or
--keep DIR), for each exercise solutions/EXX-*.ipynb:
  1. `nbgrader generate_assignment` must give the student version that
     `nnlab generate` gives (same cells, ids, sources, nbgrader metadata and
     checksums; nbgrader also sets Jupyter's editable/deletable flags);
  2. submissions are made from the released notebook: correct, partial (the
     first answer only), unanswered (as released), wrong (a plausible wrong
     answer, for the exercises listed in WRONG), a stray first cell that
     throws, and a type error in the first answer cell;
  3. `nbgrader autograde` and `nnlab grade` grade the same files; every test
     cell must get the same points from both.
Prints one line per exercise and exits 1 on any difference (0 when all agree).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTIONS = os.path.join(ROOT, "solutions")

# A plausible wrong answer per exercise, keyed "E01" …: (answer cell, solution region, body). The same
# wrong answers as test/integration/exercises-wrong-answers-e01-e05.test.ts grades, from one file.
with open(os.path.join(ROOT, "test", "fixtures", "wrong-answers", "shared.json"), encoding="utf-8") as f:
    WRONG = {
        name.split("-")[0]: (w["cell"], w["region"], "\n".join(w["lines"]))
        for name, w in json.load(f).items()
        if name != "about"
    }


VARIANTS = ["correct", "partial", "unanswered", "wrong", "throws_first", "type_error"]


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell):
    m = nbgrader_meta(cell)
    return m.get("solution") is True and m.get("grade") is not True


def answer_source(source, wrong=None):
    """The solution with its marker lines removed; with wrong=(region, body), that region's body replaced."""
    out, region, inside = [], -1, False
    for line in source.split("\n"):
        if "BEGIN SOLUTION" in line:
            region, inside = region + 1, True
            if wrong and wrong[0] == region:
                out.append(wrong[1])
            continue
        if "END SOLUTION" in line:
            inside = False
            continue
        if inside and wrong and wrong[0] == region:
            continue
        out.append(line)
    return "\n".join(out)


def submissions(solution, released, short):
    """name → notebook: the variants every exercise is graded with."""
    answers = {nbgrader_meta(c)["grade_id"]: answer_source(c.source) for c in solution.cells if is_answer(c)}
    order = [nbgrader_meta(c)["grade_id"] for c in released.cells if is_answer(c)]

    def filled(ids, edit=None):
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        for c in nb.cells:
            gid = nbgrader_meta(c).get("grade_id")
            if is_answer(c) and gid in ids:
                c.source = answers[gid]
            if edit:
                edit(c, gid)
        return nb

    out = {
        "correct": filled(order),
        "partial": filled(order[:1]),
        "unanswered": filled([]),
    }
    if short in WRONG:
        cell, region, body = WRONG[short]
        src = next(c.source for c in solution.cells if nbgrader_meta(c).get("grade_id") == cell)

        def wrong(c, gid):
            if gid == cell:
                c.source = answer_source(src, (region, body))

        out["wrong"] = filled(order, wrong)
    throws = filled(order)
    throws.cells.insert(0, nbformat.v4.new_code_cell('throw new Error("a stray cell at the top");'))
    out["throws_first"] = throws

    def typo(c, gid):
        if gid == order[0]:
            c.source += '\nconst typo: number = "not a number";'

    out["type_error"] = filled(order, typo)
    return out


def comparable_cells(nb, drop_lock_flags):
    cells = []
    for c in nb.cells:
        meta = dict(c.get("metadata", {}))
        if drop_lock_flags:
            # nbgrader's LockCells also sets Jupyter's own UI flags; nnlab relies on the nbgrader metadata.
            meta.pop("editable", None)
            meta.pop("deletable", None)
        cells.append({"id": c.get("id"), "cell_type": c.cell_type, "source": c.source, "metadata": meta,
                      "outputs": c.get("outputs"), "execution_count": c.get("execution_count")})
    return cells


def run(cmd, cwd, log):
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log.write("$ %s\n%s\n" % (" ".join(cmd), r.stdout))
    if r.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(cmd[:3]), r.returncode, r.stdout[-4000:]))
    return r.stdout


def nbgrader_points(course, assignment, notebook, students):
    from nbgrader.api import Gradebook

    points = {}
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        for s in students:
            sub = gb.find_submission_notebook(notebook, assignment, s)
            points[s] = {g.name: g.score for g in sub.grades if g.cell_type == "code"}
    return points


def nnlab_points(course, source, assignment, notebook, students, out, log):
    files = [os.path.join(course, "submitted", s, assignment, notebook + ".ipynb") for s in students]
    run(["node", os.path.join(ROOT, "bin", "nnlab.js"), "grade", "--assignment", source, "--out", out,
         "--no-progress", "--quiet", "--force"] + files, ROOT, log)
    # Each results.json names the submission it grades (folder names are nnlab's own escaping of student ids).
    by_file = {}
    for folder, _, names in os.walk(out):
        if "results.json" in names:
            with open(os.path.join(folder, "results.json")) as f:
                r = json.load(f)
            by_file[os.path.realpath(r["extra_data"]["nnlab"]["submission"])] = {t["name"]: t["score"] for t in r["tests"]}
    missing = [f for f in files if os.path.realpath(f) not in by_file]
    if missing:
        raise RuntimeError("nnlab grade wrote no results for %s" % ", ".join(missing))
    return {s: by_file[os.path.realpath(f)] for s, f in zip(students, files)}


def check_exercise(course, name, variants, log):
    short = name.split("-")[0]
    solution_file = os.path.join(SOLUTIONS, name + ".ipynb")
    source_dir = os.path.join(course, "source", short)
    os.makedirs(source_dir, exist_ok=True)
    shutil.copy(solution_file, source_dir)
    run(["nbgrader", "generate_assignment", short, "--force"], course, log)
    released_file = os.path.join(course, "release", short, name + ".ipynb")
    released = nbformat.read(released_file, as_version=4)

    ours_file = os.path.join(course, "nnlab-generate", name + ".ipynb")
    run(["node", os.path.join(ROOT, "bin", "nnlab.js"), "generate", solution_file, "--out", ours_file], ROOT, log)
    ours = nbformat.read(ours_file, as_version=4)
    generate_diffs = []
    a, b = comparable_cells(released, True), comparable_cells(ours, False)
    if len(a) != len(b):
        generate_diffs.append("nbgrader has %d cells, nnlab %d" % (len(a), len(b)))
    for k, (x, y) in enumerate(zip(a, b)):
        for key in x:
            if x[key] != y[key]:
                generate_diffs.append("cell %d %s: nbgrader %r, nnlab %r" % (k + 1, key, x[key], y[key]))

    solution = nbformat.read(solution_file, as_version=4)
    subs = {k: v for k, v in submissions(solution, released, short).items() if k in variants}
    for student, nb in subs.items():
        d = os.path.join(course, "submitted", student, short)
        os.makedirs(d, exist_ok=True)
        nbformat.write(nb, os.path.join(d, name + ".ipynb"))
    students = sorted(subs)
    run(["nbgrader", "autograde", short, "--force"], course, log)
    theirs = nbgrader_points(course, short, name, students)
    ours_points = nnlab_points(course, solution_file, short, name, students, os.path.join(course, "nnlab-graded", short), log)

    cells, mismatches = {}, []
    for s in students:
        for gid in sorted(set(theirs[s]) | set(ours_points[s])):
            pair = [theirs[s].get(gid), ours_points[s].get(gid)]
            cells.setdefault(s, {})[gid] = pair
            if pair[0] is None or pair[1] is None or abs(pair[0] - pair[1]) > 1e-9:
                mismatches.append("%s %s: nbgrader %s, nnlab grade %s" % (s, gid, pair[0], pair[1]))
    return {"generate_differences": generate_diffs, "points": cells, "mismatches": mismatches}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--exercises", help="comma-separated prefixes (E01,E05); default: all in solutions/")
    p.add_argument("--keep", help="make the course folder here and keep it (default: a temporary folder)")
    p.add_argument("--report", help="write the per-cell points of both graders as JSON here")
    p.add_argument("--variants", help="comma-separated submission kinds to grade (default: all of %s)" % ", ".join(VARIANTS))
    args = p.parse_args(argv)

    names = sorted(f[:-6] for f in os.listdir(SOLUTIONS) if f.endswith(".ipynb") and f.startswith("E"))
    if args.exercises:
        wanted = [w.strip() for w in args.exercises.split(",") if w.strip()]
        unknown = [w for w in wanted if not any(n.startswith(w) for n in names)]
        if unknown:
            print("error: no exercise in solutions/ starts with %s" % ", ".join(unknown), file=sys.stderr)
            return 2
        names = [n for n in names if any(n.startswith(w) for w in wanted)]

    variants = VARIANTS
    if args.variants:
        variants = [v.strip() for v in args.variants.split(",") if v.strip()]
        unknown = [v for v in variants if v not in VARIANTS]
        if unknown:
            print("error: unknown variant %s (known: %s)" % (", ".join(unknown), ", ".join(VARIANTS)), file=sys.stderr)
            return 2

    course = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="nnlab-nbgrader-course-")
    os.makedirs(course, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "nbgrader_config.py"), course)  # what docs/nbgrader.md tells instructors to do
    report, failed = {"course": course, "exercises": {}}, False
    try:
        with open(os.path.join(course, "commands.log"), "w") as log:
            for name in names:
                try:
                    r = check_exercise(course, name, variants, log)
                except Exception as e:  # one broken exercise is reported, the others still run
                    r = {"error": "%s: %s" % (type(e).__name__, e)}
                report["exercises"][name] = r
                bad = r.get("error") or r["generate_differences"] or r["mismatches"]
                failed = failed or bool(bad)
                if r.get("error"):
                    print("error  %s  %s" % (name, r["error"].splitlines()[0]))
                elif bad:
                    print("differ %s  %s" % (name, "; ".join((r["generate_differences"] + r["mismatches"])[:5])))
                else:
                    n = sum(len(v) for v in r["points"].values())
                    print("same   %s  student version equal; %d test-cell grades equal over %d submissions"
                          % (name, n, len(r["points"])))
                sys.stdout.flush()
    finally:
        if args.report:
            with open(args.report, "w") as f:
                json.dump(report, f, indent=1)
        if not args.keep:
            shutil.rmtree(course, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
