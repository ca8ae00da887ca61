import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A small filesystem of its own (tmpfs; the tests run as root, as CI does), to fill up for
 * real. `fill` takes every free byte; `free` gives them back; `remove` unmounts it.
 */
export class SmallDisk {
  readonly dir: string;
  private readonly filler: string;

  constructor(sizeMiB: number) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-small-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0777`, 'tmpfs', this.dir]);
    this.filler = path.join(this.dir, 'filler');
  }

  /** Writes until the filesystem refuses another byte. */
  fill(): void {
    const fd = fs.openSync(this.filler, 'a');
    try {
      for (const size of [1 << 20, 1 << 12, 1]) {
        const chunk = Buffer.alloc(size, 1);
        for (;;) {
          try {
            fs.writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  free(): void {
    fs.rmSync(this.filler, { force: true });
  }

  remove(): void {
    // Lazy: a process that still has a file open there cannot keep the mount (or the test) alive.
    execFileSync('umount', ['-l', this.dir]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
