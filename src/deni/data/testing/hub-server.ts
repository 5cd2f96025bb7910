import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stand-in for the Hub (tests only). */
export interface IFakeHub {
  endpoint: string;
  /** Request paths received, in order. */
  requests: string[];
  close: () => Promise<void>;
}

const REF = 'refs%2Fconvert%2Fparquet';

/**
 * Serves `files` (keys `owner/name/config/split/file.parquet`) on 127.0.0.1 through the Hub
 * routes the data module uses: tree listings of the Parquet-conversion ref (a config's splits, a
 * split's files) and file download.
 */
export async function startFakeHub(
  files: Map<string, Buffer>
): Promise<IFakeHub> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const tree = new RegExp(
      `^/api/datasets/([^/]+/[^/]+)/tree/${REF}/([^/]+)/([^/]+)$`
    ).exec(url);
    if (tree) {
      const prefix = `${tree[1]}/${tree[2]}/${tree[3]}/`;
      const entries = [...files.keys()]
        .filter(k => k.startsWith(prefix))
        .map(k => ({
          type: 'file',
          path: k.slice(tree[1].length + 1),
          size: files.get(k)?.length
        }));
      if (entries.length === 0) {
        res.writeHead(404).end('{"error":"not found"}');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(entries));
      return;
    }
    const config = new RegExp(
      `^/api/datasets/([^/]+/[^/]+)/tree/${REF}/([^/]+)$`
    ).exec(url);
    if (config) {
      const prefix = `${config[1]}/${config[2]}/`;
      const splits = new Set(
        [...files.keys()]
          .filter(k => k.startsWith(prefix))
          .map(k => k.slice(prefix.length).split('/')[0])
      );
      const entries = [...splits].map(split => ({
        type: 'directory',
        path: `${config[2]}/${split}`
      }));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(entries));
      return;
    }
    const resolve = new RegExp(
      `^/datasets/([^/]+/[^/]+)/resolve/${REF}/(.+)$`
    ).exec(url);
    const body = resolve
      ? files.get(`${resolve[1]}/${decodeURIComponent(resolve[2])}`)
      : undefined;
    if (body) {
      res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(body);
      return;
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>(r => server.close(() => r()))
  };
}

/** An endpoint on 127.0.0.1 whose port was just free and is closed again: connections are refused. */
export async function refusedEndpoint(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>(r => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>(r => probe.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
