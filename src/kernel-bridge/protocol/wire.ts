/**
 * The wire codec: Jupyter messages <-> ZeroMQ multipart frames, with HMAC-SHA256 signatures.
 * Pure functions (no sockets) so that signing and rejection are unit-testable.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { IHeader, IMessage, JsonObject, PROTOCOL_VERSION } from './messages';
import type { ReplayGuard } from './replay-guard';

/** The frame separating routing identities from the signed message parts. */
export const DELIMITER = '<IDS|MSG>';

/** Signature scheme of a connection file; only `hmac-sha256` is accepted. */
export const SIGNATURE_SCHEME = 'hmac-sha256';

/** Raised when incoming frames are not a valid, correctly signed message. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/**
 * Signs the four JSON parts of a message. An empty key means signing is disabled (the
 * protocol's rule); the signature is then the empty string.
 */
export function sign(key: string, parts: (Buffer | string)[]): string {
  if (key === '') {
    return '';
  }
  const hmac = createHmac('sha256', key);
  for (const part of parts) {
    hmac.update(part);
  }
  return hmac.digest('hex');
}

/**
 * Splits frames at the delimiter, verifies the signature and parses the JSON parts. With a
 * `guard`, a correctly signed message whose signature was seen before is rejected (a replay).
 */
export function decode(
  frames: Buffer[],
  key: string,
  guard?: ReplayGuard
): IMessage {
  const delimiterAt = frames.findIndex(
    frame => frame.length === DELIMITER.length && frame.toString() === DELIMITER
  );
  if (delimiterAt < 0) {
    throw new WireError(
      `message has no '${DELIMITER}' delimiter frame (${frames.length} frames received)`
    );
  }
  if (frames.length < delimiterAt + 6) {
    throw new WireError(
      `message has ${frames.length - delimiterAt - 1} frames after the delimiter; expected at least 5 (signature, header, parent_header, metadata, content)`
    );
  }
  const identities = frames.slice(0, delimiterAt);
  const signature = frames[delimiterAt + 1].toString('ascii');
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (key !== '') {
    const expected = sign(key, parts);
    if (signature === '') {
      throw new WireError(
        'unsigned message rejected: this kernel requires HMAC-SHA256 signatures'
      );
    }
    const given = Buffer.from(signature, 'ascii');
    const wanted = Buffer.from(expected, 'ascii');
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new WireError(
        'mis-signed message rejected: HMAC-SHA256 signature does not match'
      );
    }
    if (guard && !guard.admit(signature)) {
      throw new WireError(
        'replayed message rejected: this signature was already used by an earlier message'
      );
    }
  }
  const [header, parentHeader, metadata, content] = parts.map((part, i) => {
    try {
      return JSON.parse(part.toString('utf8')) as JsonObject;
    } catch (err) {
      const names = ['header', 'parent_header', 'metadata', 'content'];
      throw new WireError(
        `message ${names[i]} is not valid JSON: ${(err as Error).message}`
      );
    }
  });
  if (
    typeof header.msg_type !== 'string' ||
    typeof header.msg_id !== 'string'
  ) {
    throw new WireError('message header lacks a string msg_type and msg_id');
  }
  return {
    identities,
    header: header as unknown as IHeader,
    parent_header: parentHeader as unknown as IHeader,
    metadata,
    content,
    buffers: frames.slice(delimiterAt + 6)
  };
}

/** Encodes a message into frames (identities, delimiter, signature, JSON parts, buffers). */
export function encode(message: IMessage, key: string): Buffer[] {
  const parts = [
    message.header,
    message.parent_header,
    message.metadata,
    message.content
  ].map(part => Buffer.from(JSON.stringify(part), 'utf8'));
  return [
    ...message.identities,
    Buffer.from(DELIMITER),
    Buffer.from(sign(key, parts), 'ascii'),
    ...parts,
    ...message.buffers
  ];
}

/** A fresh header for a message of this session. */
export function makeHeader(
  msgType: string,
  session: string,
  username = 'deni'
): IHeader {
  return {
    msg_id: randomUUID(),
    session,
    username,
    date: new Date().toISOString(),
    msg_type: msgType,
    version: PROTOCOL_VERSION
  };
}
