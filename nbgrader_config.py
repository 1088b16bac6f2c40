# nbgrader configuration for nnlab's TypeScript exercises (see docs/nbgrader.md).
#
# Copy this file into your nbgrader course folder (next to source/), or load it
# from your own course config with:
#     c = get_config()
#     load_subconfig("/path/to/nnlab/nbgrader_config.py")
# nbgrader must run with the course's kernel registered (`npm run lab` or
# `node scripts/python-env.js --nbgrader` does it in nnlab's .venv).
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The stub nbgrader writes for a "// BEGIN SOLUTION" ... "// END SOLUTION" region
# (indented like the BEGIN line) or for a whole answer cell without markers:
# the same two lines `nnlab generate` writes, so both give the same student
# version. The throw keeps the cell type-checking whatever the function returns.
c.ClearSolutions.code_stub = {
    "typescript": '// YOUR CODE HERE\nthrow new Error("not implemented");',
}
# Markers are whole `//` comment lines; nbgrader matches the text inside them.
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Exercises are notebooks of the course kernel (kernelspec "tslab", language
# typescript); autograde runs them with it. Training cells of the later
# exercises take a few seconds each: nbgrader's default of 30 s per cell is
# kept as the limit, like `nnlab grade --cell-timeout 30`.
c.Execute.timeout = 30
# The TypeScript compiler needs a few seconds to start in a fresh kernel.
c.Execute.startup_timeout = 120
