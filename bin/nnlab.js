#!/usr/bin/env node
// The `nnlab` command: a thin launcher for the compiled CLI in dist/.
require("../scripts/check-node.js").checkNode(); // a clear message on an old Node, before any modern syntax loads
require("../dist/tools/cli/index.js").main(process.argv.slice(2));
