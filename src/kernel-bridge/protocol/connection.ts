/** Reading and validating a Jupyter connection file. */
import { readFileSync } from 'node:fs';
import { SIGNATURE_SCHEME } from './wire';

/** The fields of a connection file this kernel needs. */
export interface IConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

const PORTS = [
  'shell_port',
  'iopub_port',
  'stdin_port',
  'control_port',
  'hb_port'
] as const;

/** One of the five channel port fields. */
export type PortName = (typeof PORTS)[number];

/** Parses and checks connection JSON; `source` names the file in errors. */
export function parseConnection(text: string, source: string): IConnectionInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `connection file ${source} is not valid JSON: ${(err as Error).message}`
    );
  }
  const transport = raw.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') {
    throw new Error(
      `connection file ${source}: transport ${JSON.stringify(transport)} is not supported (valid: "tcp", "ipc")`
    );
  }
  const scheme = raw.signature_scheme ?? SIGNATURE_SCHEME;
  if (scheme !== SIGNATURE_SCHEME) {
    throw new Error(
      `connection file ${source}: signature_scheme ${JSON.stringify(scheme)} is not supported (valid: "${SIGNATURE_SCHEME}")`
    );
  }
  for (const port of PORTS) {
    const value = raw[port];
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 0 ||
      value > 65535
    ) {
      throw new Error(
        `connection file ${source}: ${port} is ${JSON.stringify(value)}; expected an integer port 0-65535`
      );
    }
  }
  if (typeof raw.ip !== 'string' || raw.ip === '') {
    throw new Error(
      `connection file ${source}: ip is ${JSON.stringify(raw.ip)}; expected an address`
    );
  }
  if (typeof (raw.key ?? '') !== 'string') {
    throw new Error(`connection file ${source}: key must be a string`);
  }
  return {
    transport,
    ip: raw.ip,
    shell_port: raw.shell_port as number,
    iopub_port: raw.iopub_port as number,
    stdin_port: raw.stdin_port as number,
    control_port: raw.control_port as number,
    hb_port: raw.hb_port as number,
    key: (raw.key as string | undefined) ?? '',
    signature_scheme: scheme,
    kernel_name:
      typeof raw.kernel_name === 'string' ? raw.kernel_name : undefined
  };
}

/** Reads a connection file from disk. */
export function readConnectionFile(path: string): IConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read connection file ${path}: ${(err as Error).message}`
    );
  }
  return parseConnection(text, path);
}

/** The ZeroMQ endpoint of one channel (`tcp://ip:port` or `ipc://ip-port`). */
export function endpoint(info: IConnectionInfo, port: PortName): string {
  return info.transport === 'tcp'
    ? `tcp://${info.ip}:${info[port]}`
    : `ipc://${info.ip}-${info[port]}`;
}
