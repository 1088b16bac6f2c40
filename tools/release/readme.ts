// The student edition's README and .gitignore (plain text, no dates: the
// edition must be byte-identical from one release to the next).

export function studentReadme(opts: { lectures: string[]; exercises: string[]; patches: boolean }): string {
  const list = (files: string[]) => files.map((f) => `- \`${f}\``).join("\n");
  return `# nnlab — neural networks in TypeScript (student edition)

This folder is the course: lecture notebooks, exercises to solve, and the
course library the notebooks import as \`"nnlab"\`. Everything runs on your
machine; nothing is downloaded while you work.

## Start

You need Node.js 20 or newer with npm, and Python 3.9 or newer with \`venv\`
(on Debian/Ubuntu: \`sudo apt-get install python3 python3-venv\`).

\`\`\`sh
npm install        # installs the pinned packages and builds the course library
npm run lab        # JupyterLab with the TypeScript kernel, on this folder
\`\`\`

The first \`npm run lab\` makes a Python environment in \`.venv\` (JupyterLab and
the TypeScript kernel, from \`requirements-lab.txt\`); that takes a minute or
two, once. Your own Jupyter set-up is not touched. Options go to JupyterLab,
e.g. \`npm run lab -- --no-browser --port 8899\`.

## What is here

| path | what |
|---|---|
| \`notebooks/\` | the lectures, in order; \`notebooks/README.md\` is the course map (which exercise goes with which lecture) |
| \`exercises/\` | the exercises you hand in |
| \`lib/\` | the course library: read it to see how things work (\`lib/mlp.ts\` is backprop as rules 0–3, \`lib/autograd/\` the graph engine) |
| \`scripts/\` | what \`npm run lab\` uses: the Python environment and the kernel set-up |
${opts.patches ? "| `patches/` | fixes to the TypeScript kernel (tslab), applied by `npm install` |\n" : ""}
Lectures (${opts.lectures.length}):

${list(opts.lectures)}

Exercises (${opts.exercises.length}):

${list(opts.exercises)}

## Working an exercise

Open it in JupyterLab and run it from the top. Write your code where it says
\`// YOUR CODE HERE\` and delete the \`throw new Error("not implemented")\` line
below it; until you do, the tests under that task fail with "not
implemented". Run the test cell after your answer as often as you like.
Passing the visible tests is a good sign, not a guarantee: grading also runs
tests you do not see, with other numbers and edge cases, so write general
code. When an exercise says not to use a library function, the grader checks
for it.

Do not change the cells you did not write into (the setup and test cells):
grading puts the original ones back. Hand in the \`.ipynb\` file as your course
tells you.

Two quirks of the TypeScript kernel: object shorthand for a variable declared
in an earlier cell (\`{ x0 }\`) fails at run time — write \`{ x0: x0 }\`; and
destructuring with a rename (\`const { a: b } = f()\`) does not compile — use
\`const r = f(); const b = r.a;\`.

## TensorFlow.js backends

The notebooks that use TensorFlow.js print which backend it runs on: \`wasm\`
(or the plain \`cpu\` one) unless \`npm install\` could also install the
optional \`@tensorflow/tfjs-node\`, which downloads TensorFlow's native library
and then gives the \`tensorflow\` backend.
`;
}

export const STUDENT_GITIGNORE = `node_modules/
dist/
.venv/
.ipynb_checkpoints/
__pycache__/
`;
