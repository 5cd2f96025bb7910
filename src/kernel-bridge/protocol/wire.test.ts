import { describe, expect, it } from 'vitest';
import { parseConnection } from './connection';
import { IMessage } from './messages';
import { ReplayGuard } from './replay-guard';
import { DELIMITER, WireError, decode, encode, makeHeader, sign } from './wire';

const KEY = 'a0b1c2d3-secret';

function message(): IMessage {
  return {
    identities: [Buffer.from('client-1')],
    header: makeHeader('execute_request', 'session-1', 'tester'),
    parent_header: {},
    metadata: {},
    content: { code: '1 + 1', silent: false },
    buffers: []
  };
}

describe('wire codec', () => {
  it('round-trips a signed message with identities', () => {
    const frames = encode(message(), KEY);
    expect(frames[0].toString()).toBe('client-1');
    expect(frames[1].toString()).toBe(DELIMITER);
    expect(frames[2].toString()).toMatch(/^[0-9a-f]{64}$/);
    const back = decode(frames, KEY);
    expect(back.identities.map(b => b.toString())).toEqual(['client-1']);
    expect(back.header.msg_type).toBe('execute_request');
    expect(back.content).toEqual({ code: '1 + 1', silent: false });
  });

  it('signs header, parent, metadata and content in order (HMAC-SHA256 hex)', () => {
    // Reference from Python: hmac.new(b'k', b'{"a":1}{}{}{"b":2}', hashlib.sha256).hexdigest()
    expect(sign('k', ['{"a":1}', '{}', '{}', '{"b":2}'])).toBe(
      '5f35d77953f2fdb5497a0df5e11497f708c67989fa6694c82530764f1da34cf3'
    );
    expect(sign('', ['{}'])).toBe('');
  });

  it('rejects a message signed with another key', () => {
    const frames = encode(message(), 'other-key');
    expect(() => decode(frames, KEY)).toThrow(/mis-signed/);
  });

  it('rejects an unsigned message when the kernel has a key', () => {
    const frames = encode(message(), '');
    expect(() => decode(frames, KEY)).toThrow(/unsigned/);
  });

  it('rejects a tampered content frame', () => {
    const frames = encode(message(), KEY);
    const at = frames.findIndex(f => f.toString() === DELIMITER);
    frames[at + 5] = Buffer.from(JSON.stringify({ code: 'process.exit()' }));
    expect(() => decode(frames, KEY)).toThrow(WireError);
  });

  it('rejects frames without a delimiter or with too few parts', () => {
    expect(() => decode([Buffer.from('x')], KEY)).toThrow(/delimiter/);
    expect(() =>
      decode([Buffer.from(DELIMITER), Buffer.from('sig')], KEY)
    ).toThrow(/at least 5/);
  });
});

describe('connection file', () => {
  const good = {
    transport: 'tcp',
    ip: '127.0.0.1',
    shell_port: 1,
    iopub_port: 2,
    stdin_port: 3,
    control_port: 4,
    hb_port: 5,
    key: 'k',
    signature_scheme: 'hmac-sha256'
  };

  it('accepts a jupyter_client connection file', () => {
    expect(parseConnection(JSON.stringify(good), 'c.json').control_port).toBe(
      4
    );
  });

  it('names the bad field and what is valid', () => {
    expect(() =>
      parseConnection(
        JSON.stringify({ ...good, signature_scheme: 'hmac-md5' }),
        'c.json'
      )
    ).toThrow(
      /signature_scheme "hmac-md5" is not supported \(valid: "hmac-sha256"\)/
    );
    expect(() =>
      parseConnection(JSON.stringify({ ...good, hb_port: 'x' }), 'c.json')
    ).toThrow(/hb_port is "x"/);
  });
});

describe('replay guard', () => {
  it('rejects a correctly signed message sent a second time', () => {
    const guard = new ReplayGuard();
    const frames = encode(message(), KEY);
    expect(decode(frames, KEY, guard).header.msg_type).toBe('execute_request');
    expect(() => decode(frames, KEY, guard)).toThrow(/replayed message/);
    // A fresh message (new msg_id, new signature) still passes.
    expect(() => decode(encode(message(), KEY), KEY, guard)).not.toThrow();
  });

  it('forgets the oldest tenth when full, as jupyter_client does', () => {
    const guard = new ReplayGuard(10);
    for (let i = 0; i < 11; i++) {
      expect(guard.admit(`s${i}`)).toBe(true);
    }
    expect(guard.admit('s0')).toBe(true);
    expect(guard.admit('s10')).toBe(false);
  });
});
