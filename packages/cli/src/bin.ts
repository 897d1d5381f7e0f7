#!/usr/bin/env node
// The `tracecarrier` command: see main.ts. Exits once output is flushed (librdkafka's threads are
// closed by then, but an exit is explicit about it).
import { main } from './main.js';

void main(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
