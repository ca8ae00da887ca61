import type Database from 'better-sqlite3';

interface QueuedWrite {
  execute(): unknown;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface Outcome {
  write: QueuedWrite;
  ok: boolean;
  value: unknown;
}

/**
 * Group commit: the writing statements issued during one turn of the event loop run together
 * in one transaction, committed at the end of that turn, and each caller's promise settles
 * only after the COMMIT. A commit is the expensive part of a small write (WAL frames for every
 * page it touched, locks, the WAL index); sharing it between the concurrent requests of a turn
 * makes each cheaper without weakening anything a caller can observe: an acknowledged write is
 * committed, exactly as durable as a write committed alone.
 *
 * Each statement stays atomic on its own: SQLite undoes a failed statement (a constraint
 * violation, say) and keeps the transaction, so one failing request never takes its
 * neighbours down. If SQLite instead abandons the whole transaction (disk full, I/O error),
 * or COMMIT fails, every write of the batch is rejected: none of them is acknowledged.
 */
export class GroupCommit {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private held = false;
  /** A transaction of its own is open on the connection: the group waits for it. */
  private exclusive = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Queues `execute` for this turn's transaction; settles with its result once committed. */
  enqueue<T>(execute: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ execute, resolve, reject });
      if (!this.held && !this.exclusive) this.schedule();
    });
  }

  /**
   * Runs `work` in a transaction of its own, between this turn's group and the next: it
   * starts at a turn boundary, after the queued writes commit. `work` must await nothing but
   * its own statements (which run at once on this connection): then no other request's code
   * runs until it commits, and none can see its uncommitted writes. A transaction that lets a
   * turn of the event loop pass (real I/O, a timer) is rolled back and refused.
   */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        this.runExclusive(work).then(resolve, reject);
      });
    });
  }

  private async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    this.flush();
    this.exclusive = true;
    let turned = false;
    const tripwire = setImmediate(() => {
      turned = true;
    });
    try {
      this.begin.run();
      const result = await work();
      if (turned) throw new Error('a SQLite transaction awaited something other than its own statements');
      this.commit.run();
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      throw err;
    } finally {
      clearImmediate(tripwire);
      this.exclusive = false;
      if (this.queue.length > 0 && !this.held) this.schedule();
    }
  }

  /** Keeps queued writes waiting (reads go on) until `release`: lets a checkpoint catch up. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.queue.length > 0 && !this.exclusive) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn (and the promise chains they start), so every
    // request read in this turn has queued its write.
    setImmediate(() => this.flush());
  }

  /** Commits what is queued now, synchronously, held or not (before a bulk load, on close). */
  flush(): void {
    this.scheduled = false;
    // Only a transaction that broke its rule (it awaited real I/O) can be open here.
    if (this.exclusive) return;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.runInTransaction(batch);
    } catch (err) {
      for (const write of batch) write.reject(err);
      return;
    }
    for (const { write, ok, value } of outcomes) {
      if (ok) write.resolve(value);
      else write.reject(value);
    }
  }

  /** Throws when the batch as a whole did not commit. */
  private runInTransaction(batch: QueuedWrite[]): Outcome[] {
    this.begin.run();
    const outcomes: Outcome[] = [];
    try {
      for (const write of batch) {
        try {
          outcomes.push({ write, ok: true, value: write.execute() });
        } catch (err) {
          if (!this.db.inTransaction) throw err;
          outcomes.push({ write, ok: false, value: err });
        }
      }
      this.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.rollback.run();
      throw err;
    }
    return outcomes;
  }
}
