import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every ```ts block in the README and docs/ is type-checked against the packages' sources, so the
 * docs cannot drift from the code. A block marked ```ts no-check (one that needs a package the
 * project does not depend on) is skipped. Names a snippet uses without defining come from the
 * prelude below, with their real types where they are the SDK's.
 */
const root = join(import.meta.dirname, '..');
const out = join(root, 'tests', '.docs-examples');

const PRELUDE = `
declare const kafka: import('@tracecarrier/kafkajs').TracedKafka;
declare const consumer: import('@tracecarrier/kafkajs').TracedConsumer;
declare const order: { id: number; title: string };
declare const receivedMessage: import('kafkajs').KafkaMessage;
declare const stream: import('node-rdkafka').ProducerStream;
declare const readStream: import('node-rdkafka').ConsumerStream;
declare const tracer: import('@opentelemetry/api').Tracer;
declare const log: { warn(...args: unknown[]): void };
declare const metaTrace: import('@tracecarrier/core').Carrier;
declare function bill(value: unknown): Promise<void> | void;
declare function handle(message: unknown): Promise<void> | void;
`;

interface Block {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function blocks(): Block[] {
  const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  return files.flatMap((file) => {
    const found: Block[] = [];
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```ts\s*$/.test(lines[i]!)) continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && !lines[end]!.startsWith('```')) end++;
      found.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
    return found;
  });
}

function toModule(block: Block): string {
  const lines = block.code.split('\n');
  // Imports and ambient declarations stay at the top; the rest runs inside an async function.
  const top = lines.filter((line) => /^(import|declare) /.test(line));
  const body = lines.filter((line) => !/^(import|declare) /.test(line));
  return `${top.join('\n')}\n${PRELUDE}\nexport async function example(): Promise<void> {\n${body.join('\n')}\n}\n`;
}

describe('code examples in the docs', () => {
  const all = blocks();

  it('exist', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it('type-check against the packages', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const names = all.map((block, i) => {
      const name = join(out, `${block.file.replace(/[/.]/g, '_')}_${block.line}_${i}.ts`);
      writeFileSync(name, toModule(block));
      return name;
    });
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const program = ts.createProgram(names, { ...config.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file !== undefined && names.includes(diagnostic.file.fileName))
      .map((diagnostic) => {
        const index = names.indexOf(diagnostic.file!.fileName);
        const block = all[index]!;
        return `${block.file}:${block.line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
    rmSync(out, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 120_000);
});
