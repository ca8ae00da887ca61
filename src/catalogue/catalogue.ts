import type { KeysetQuery } from '../twilio/paging.js';

/** An item of a catalogue with its key: its 1-based position in the whole catalogue. */
export interface Keyed<T> {
  key: number;
  item: T;
}

/** A read-only catalogue loaded at start and never changed: list order, SIDs, names. */
export class Catalogue<T extends { sid: string }> {
  private readonly bySid: ReadonlyMap<string, T>;
  private readonly byName: ReadonlyMap<string, T>;
  private readonly keyed: readonly Keyed<T>[];

  constructor(
    readonly items: readonly T[],
    nameOf: (item: T) => string = (item) => item.sid,
  ) {
    this.bySid = new Map(items.map((item) => [item.sid, item]));
    this.byName = new Map(items.map((item) => [nameOf(item), item]));
    this.keyed = items.map((item, i) => ({ key: i + 1, item }));
  }

  findBySid(sid: string): T | undefined {
    return this.bySid.get(sid);
  }

  findByName(name: string): T | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * What a store would answer for `query` over the items that pass `test`, keyed by their
   * position in the whole catalogue (so a filter never renumbers); descending slices come in
   * descending order, as from SQL.
   */
  page(query: KeysetQuery, test: (item: T) => boolean = () => true): Keyed<T>[] {
    const { bound, descending, limit } = query;
    if (descending) {
      const below = this.keyed.filter((k) => (bound === undefined || k.key < bound) && test(k.item));
      return below.slice(Math.max(below.length - limit, 0)).reverse();
    }
    const out: Keyed<T>[] = [];
    for (const k of this.keyed) {
      if (out.length >= limit) break;
      if ((bound === undefined || k.key > bound) && test(k.item)) out.push(k);
    }
    return out;
  }
}
