// Which Node.js nnlab supports, and the message for one it does not. Written
// in old JavaScript on purpose: it must run, and explain, on an old Node.
//   node scripts/check-node.js      exit 1 with the message on an unsupported Node (npm's preinstall)
//   require("./check-node").checkNode()   the same, from a launcher
"use strict";

// Node 24 (active LTS) and 22 (maintenance LTS) are supported and tested in CI.
// Node 20 reached its end of life in April 2026; it still works and CI still
// runs the unit and grading tests on it, so it stays allowed with a note.
var SUPPORTED = "Node.js 24 or 22 (LTS)";
var MINIMUM = [20, 19];

function parse(version) {
  var parts = String(version).replace(/^v/, "").split(".");
  return [Number(parts[0]), Number(parts[1])];
}

/** null when `version` is supported, otherwise the sentence to show. */
function problem(version) {
  var v = parse(version);
  if (v[0] > MINIMUM[0] || (v[0] === MINIMUM[0] && v[1] >= MINIMUM[1])) return null;
  return (
    "nnlab needs " + SUPPORTED + "; this is Node.js " + version + ".\n" +
    "Install Node.js 24 LTS (https://nodejs.org/en/download, or your package manager / nvm: `nvm install 24`) " +
    "and run the command again."
  );
}

/** A note for Node 20, which works but is past its end of life; null otherwise. */
function note(version) {
  return parse(version)[0] === 20
    ? "nnlab: Node.js " + version + " is past its end of life (April 2026); nnlab still runs on it, but use Node.js 24 LTS."
    : null;
}

/** Stops the process with the message when this Node is unsupported. */
function checkNode() {
  var message = problem(process.version);
  if (message) {
    process.stderr.write(message + "\n");
    process.exit(1);
  }
}

module.exports = { checkNode: checkNode, problem: problem, note: note };

if (require.main === module) {
  checkNode();
  var n = note(process.version);
  if (n) process.stderr.write(n + "\n");
}
