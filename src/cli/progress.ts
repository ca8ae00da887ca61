/**
 * Progress on stderr for long CLI jobs. On a terminal, one line redrawn at most ten times a
 * second; otherwise (a log, a pipe) a plain line at most every few seconds. `done` always
 * prints the final line, so every run ends with a summary.
 */
export class Progress {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = stream.isTTY ? 100 : 5000,
  ) {}

  update(text: string): void {
    const now = Date.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  done(text: string): void {
    this.stream.write(this.drawn ? `\r\x1b[2K${text}\n` : `${text}\n`);
    this.drawn = false;
  }
}

/** 1234567 -> "1,234,567" */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
