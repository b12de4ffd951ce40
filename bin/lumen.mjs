#!/usr/bin/env node
// The operator's CLI. Lumen runs its TypeScript sources through tsx's loader, so there is
// no build step between a checkout and a running gateway.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
