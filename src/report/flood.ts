// Flood control: an attack scan must not flood logs or exporters. Each attack kind may
// emit a bounded number of events per second; the rest are counted and summarised.
export class EventRateLimiter {
  private windowStart = 0;
  private readonly used = new Map<string, number>();
  private readonly dropped = new Map<string, number>();

  constructor(private readonly perSecond: number) {}

  /** True when this event may be emitted now. */
  admit(key: string, now: number): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used.clear();
    }
    const used = this.used.get(key) ?? 0;
    if (used < this.perSecond) {
      this.used.set(key, used + 1);
      return true;
    }
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + 1);
    return false;
  }

  /** Suppressed counts since the last call, cleared. */
  takeDropped(): Array<[string, number]> {
    const out = [...this.dropped];
    this.dropped.clear();
    return out;
  }
}
