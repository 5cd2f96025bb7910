/**
 * Rejects a signed message seen before. A captured, correctly signed execute_request would
 * otherwise run again each time an attacker on the loopback replays it. jupyter_client's
 * Session does the same (digest_history, 2**16 signatures, oldest 10% culled when full).
 */
export class ReplayGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 1 << 16) {}

  /** Records `signature`; false when it was seen before (the message must be dropped). */
  admit(signature: string): boolean {
    if (signature === '') {
      // Signing disabled (empty key): nothing identifies a message, as in jupyter_client.
      return true;
    }
    if (this.seen.has(signature)) {
      return false;
    }
    this.seen.add(signature);
    if (this.seen.size > this.capacity) {
      // Sets iterate in insertion order: drop the oldest tenth.
      let drop = Math.max(1, Math.floor(this.capacity / 10));
      for (const old of this.seen) {
        if (drop-- <= 0) {
          break;
        }
        this.seen.delete(old);
      }
    }
    return true;
  }
}
