#!/usr/bin/env -S node --max-semi-space-size=16 --max-old-space-size=512
// The `dropgate` command. Run it through npx (or npm scripts), which put the project's own
// Node 24 first on PATH: the CLI is TypeScript that Node 24 runs directly.
// Memory: V8 sizes its heap from the machine (young generation up to 128 MB, old up to 4 GB on a
// 24 GiB host) and paces its collections by those ceilings, so a burst such as a large key import
// left 300+ MB resident. The hub's live heap is a few tens of MB (bounded caches, bodies ≤ 1 MB):
// these ceilings keep it near 190 MB with ample headroom (docs/benchmarks.md).
import '../src/cli/main.ts';
