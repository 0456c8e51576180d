#!/usr/bin/env node
// `npx redis-reconfigure` (package.json "bin"): npm puts node_modules/.bin first on PATH, so `node` here is the
// project's Node 24, which runs this TypeScript as it is (type stripping, docs/adr/0001).
import { processIo, run } from './main.ts';

process.exitCode = await run(process.argv.slice(2), processIo());
