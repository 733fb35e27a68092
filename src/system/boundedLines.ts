/**
 * Splits a byte stream into lines with a limit on each line's length: a peer that never sends a
 * newline cannot make ejctl buffer without end. A line over the limit ends the stream for the
 * caller (`onOverflow`), it is never truncated and handed on as if it were whole.
 */
import type { Readable } from 'node:stream';

export function boundedLines(input: Readable, limit: number, onLine: (line: string) => void, onOverflow: () => void): void {
  let parts: Buffer[] = [];
  let size = 0;
  let over = false;
  input.on('data', (chunk: Buffer) => {
    if (over) return;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      if (size + nl - start > limit) return overflow();
      parts.push(chunk.subarray(start, nl));
      const line = Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      start = nl + 1;
      onLine(line);
    }
    if (size + chunk.length - start > limit) return overflow();
    parts.push(chunk.subarray(start));
    size += chunk.length - start;
  });
  function overflow(): void {
    over = true;
    parts = [];
    input.destroy();
    onOverflow();
  }
}
