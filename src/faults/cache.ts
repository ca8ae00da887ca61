import type { FaultStore } from './store.js';

/**
 * Which accounts have fault rules in force, as this instance last read them: the only thing a
 * request of an account without faults costs is a Set lookup. Refreshed every FAULTS_REFRESH_MS
 * and at once after a change made through this instance.
 */
export class FaultedAccounts {
  private accounts = new Set<string>();
  private started = 0;
  private applied = 0;

  constructor(private readonly store: FaultStore) {}

  has(accountSid: string): boolean {
    return this.accounts.has(accountSid);
  }

  async refresh(): Promise<void> {
    const mine = ++this.started;
    const accounts = await this.store.faultedAccounts();
    // Refreshes may overlap (the timer's, a change's): an older read never replaces a newer one.
    if (mine < this.applied) return;
    this.applied = mine;
    this.accounts = accounts;
  }
}
