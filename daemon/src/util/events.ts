/**
 * @module events
 * A minimal typed event emitter: `on` returns the function that removes the listener, so
 * owners can always clean up (no MaxListeners leaks in reconnect loops, modbus-serial #370).
 */
type AnyListener = (...args: unknown[]) => void;

export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  private listeners = new Map<keyof Events, Set<AnyListener>>();

  on<K extends keyof Events>(event: K, fn: (...args: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) { set = new Set(); this.listeners.set(event, set); }
    const l = fn as unknown as AnyListener;
    set.add(l);
    return () => { set!.delete(l); };
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) fn(...(args as unknown[]));
  }

  removeAll(): void { this.listeners.clear(); }
}
