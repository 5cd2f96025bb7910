/**
 * zeromq, loaded on first use. The kernel bundle also runs as the sidecar thread (a worker
 * thread), which must never load zeromq: zeromq.js is not safe in worker threads (zeromq.js#411,
 * RELIABILITY.md). A static import would load it in every thread that evaluates the bundle, so
 * each module that opens sockets loads it through here, in the thread that owns them.
 */
import type * as ZeroMQ from 'zeromq';

/** The zeromq module's exports. */
export type ZeroMQModule = typeof ZeroMQ;

/** Loads zeromq into the calling thread. */
export function loadZeroMQ(): Promise<ZeroMQModule> {
  return import('zeromq');
}
