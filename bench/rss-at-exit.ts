/**
 * Preloaded (`node --import`) into each process `cli-inspect.ts` times: at exit, writes the process's
 * peak resident set size (getrusage's ru_maxrss, KiB) to the file `BENCH_RSS_FILE` names. Every case
 * is a Node process, so no external tool (GNU time) is needed.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file !== undefined && file !== '') process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
