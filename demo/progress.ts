/**
 * A live progress line: redrawn in place on a terminal, printed every second otherwise (logs, CI).
 */
export function createProgress(describe: () => string): { stop(): void } {
  const tty = process.stdout.isTTY === true;
  const draw = () => (tty ? process.stdout.write(`\r\x1b[2K  ${describe()}`) : console.log(`  ${describe()}`));
  const timer = setInterval(draw, tty ? 100 : 1000);
  draw();
  return {
    stop() {
      clearInterval(timer);
      draw();
      if (tty) process.stdout.write('\n');
    },
  };
}
