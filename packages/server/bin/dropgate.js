#!/usr/bin/env node
// The `dropgate` command. Run it through npx (or npm scripts), which put the project's own
// Node 24 first on PATH: the CLI is TypeScript that Node 24 runs directly.
import '../src/cli/main.ts';
