#!/usr/bin/env -S node --max-semi-space-size=16
// The `dropgate` command. Run it through npx (or npm scripts), which put the project's own
// Node 24 first on PATH: the CLI is TypeScript that Node 24 runs directly.
// --max-semi-space-size: V8 sizes the young generation from the machine's memory (128 MB on a
// 24 GiB host) and keeps it once grown; 16 MB semi-spaces cost nothing in throughput and keep the
// hub's resident memory near its working set (docs/benchmarks.md).
import '../src/cli/main.ts';
