// A small bounded cache with a time-to-live: entries older than ttl are never returned, and the
// oldest entries are dropped beyond maxEntries (a Map keeps insertion order).
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { value: V; expires: number }>();

  constructor(options: { ttlSeconds: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = Math.max(0, options.ttlSeconds * 1000);
    this.#maxEntries = Math.max(1, options.maxEntries);
    this.#now = options.now ?? Date.now;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlSeconds?: number): void {
    if (this.#ttlMs === 0) return;
    const ttl = ttlSeconds === undefined ? this.#ttlMs : Math.min(this.#ttlMs, ttlSeconds * 1000);
    if (ttl <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + ttl });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, entry] of this.#entries) if (predicate(entry.value)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
