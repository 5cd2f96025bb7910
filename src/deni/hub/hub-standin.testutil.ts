/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1 (tests only). It answers with the listings,
 * commits and header set recorded in recorded/paper-hub.json (see recorded/README.md) for the
 * paper's data sets and models, plus repositories a test declares itself; file bodies are the
 * small substitutes the test supplies. Large files answer 302 to a second server (another origin:
 * the "CDN"), as the Hub does. File bodies honour `Range: bytes=<first>-[<last>]` (206 with
 * Content-Range, 416 past the end) unless told to ignore it, and one can be cut off mid-way
 * (`cutOnce`) to simulate a dropped connection. Any request outside these routes answers 404 and
 * is listed in `unexpected`, which tests assert empty.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface IRecordedSet {
  parquetCommit: string | null;
  configs: Record<string, Record<string, string[]>>;
}
interface IRecordedModel {
  commit: string;
  siblings: string[];
  /** The Hub's object id and last change, where an answer was recorded (else derived / left out). */
  _id?: string;
  lastModified?: string;
}
/** The recorded answers (recorded/paper-hub.json). */
export interface IRecorded {
  datasets: Record<string, IRecordedSet>;
  models: Record<string, IRecordedModel>;
}

/** The recorded answers of the real Hub. */
export function recorded(): IRecorded {
  return JSON.parse(
    readFileSync(path.join(__dirname, 'recorded', 'paper-hub.json'), 'utf8')
  ) as IRecorded;
}

/** A stand-in's content: file bodies by `repo/path`, extra repositories, access rules, faults. */
export interface IStandInOptions {
  /** Bodies of data set files, key `owner/name/<path in repo>` (paths as the recording lists them). */
  datasetFiles?: Map<string, Buffer>;
  /** Bodies of model files, key `owner/name/<file>`. */
  modelFiles?: Map<string, Buffer>;
  /** Repositories not in the recording (e.g. `hf:someone/reviews`): declared with their own listing. */
  extraDatasets?: Record<string, IRecordedSet>;
  extraModels?: Record<string, IRecordedModel>;
  /** Repositories that need this bearer token (401 without one, 403 with another). */
  gated?: Record<string, string>;
  /** Fault injection: for a request path containing the key, answer the listed statuses first (e.g. [503, 429]). */
  faults?: Map<string, number[]>;
  /**
   * Cut the first file body whose request path contains `path` after `afterBytes` bytes (default:
   * half of what the answer promised), closing the connection as a dropped network would.
   */
  cutOnce?: { path: string; afterBytes?: number };
  /** Answer `Range` requests for file bodies with 200 and the whole file, as servers without range support do. */
  ignoreRange?: boolean;
  /** Answer the first `Range` request for a file body with 416, as a server whose copy is shorter. */
  refuseRangeOnce?: boolean;
}

/** A running stand-in. */
export interface IHubStandIn {
  endpoint: string;
  /** `METHOD path` of every request to the Hub, in order. */
  requests: string[];
  /** Requests to the CDN host (with whether an Authorization header came along, and its Range header). */
  cdnRequests: { path: string; authorization: boolean; range?: string }[];
  /** Requests the recording does not cover (should stay empty). */
  unexpected: string[];
  /** Commit the stand-in gives a repository (the recorded one, or a derived one). */
  commitOf: (repo: string) => string;
  close: () => Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const derivedCommit = (repo: string) =>
  createHash('sha1').update(`stand-in ${repo}`).digest('hex');
const PARQUET_REF = 'refs/convert/parquet';

/** Starts a stand-in Hub and its CDN. */
export async function startHubStandIn(
  opts: IStandInOptions = {}
): Promise<IHubStandIn> {
  const rec = recorded();
  const datasets = { ...rec.datasets, ...opts.extraDatasets };
  const models = { ...rec.models, ...opts.extraModels };
  const dataFiles = opts.datasetFiles ?? new Map<string, Buffer>();
  const modelFiles = opts.modelFiles ?? new Map<string, Buffer>();
  // As the Hub's .gitattributes: weights and Parquet files are LFS files (served through the
  // redirect to the storage host); JSON and text files are plain git files answered directly.
  const isLfs = (file: string) =>
    /\.(safetensors|parquet|bin|h5|msgpack|ot|onnx)$/.test(file);
  const faults = new Map(
    [...(opts.faults ?? new Map<string, number[]>())].map(([k, v]) => [
      k,
      [...v]
    ])
  );
  let cut = opts.cutOnce;
  let refuseRange = opts.refuseRangeOnce;
  const requests: string[] = [];
  const cdnRequests: IHubStandIn['cdnRequests'] = [];
  const unexpected: string[] = [];
  const blobs = new Map<string, Buffer>();
  const commitOf = (repo: string) =>
    datasets[repo]?.parquetCommit ??
    models[repo]?.commit ??
    derivedCommit(repo);

  /**
   * Sends a file body (or, for HEAD, its headers): the part a `Range` header asks for, and once,
   * for `cutOnce`, only its first bytes before the connection drops.
   */
  const sendBody = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    headers: Record<string, string | number>
  ) => {
    let status = 200;
    let part = body;
    const range = req.headers.range;
    if (req.method !== 'HEAD' && range && !opts.ignoreRange) {
      const m = /^bytes=(\d+)-(\d*)$/.exec(range);
      const first = m ? Number(m[1]) : NaN;
      const last = m?.[2]
        ? Math.min(Number(m[2]), body.length - 1)
        : body.length - 1;
      if (!(first <= last) || refuseRange) {
        refuseRange = undefined;
        res
          .writeHead(416, {
            ...headers,
            'content-range': `bytes */${body.length}`
          })
          .end();
        return;
      }
      status = 206;
      part = body.subarray(first, last + 1);
      headers = {
        ...headers,
        'content-range': `bytes ${first}-${last}/${body.length}`
      };
    }
    res.writeHead(status, {
      ...headers,
      'accept-ranges': 'bytes',
      'content-length': part.length
    });
    if (req.method === 'HEAD') {
      res.end();
    } else if (cut && (req.url ?? '').includes(cut.path)) {
      const n = Math.min(
        cut.afterBytes ?? Math.floor(part.length / 2),
        part.length
      );
      cut = undefined;
      // Drop the connection once these bytes are out and read, so the client sees exactly them.
      res.write(part.subarray(0, n), () => setTimeout(() => res.destroy(), 50));
    } else {
      res.end(part);
    }
  };

  const cdn = http.createServer((req, res) => {
    const p = req.url ?? '';
    cdnRequests.push({
      path: p,
      authorization: req.headers.authorization !== undefined,
      ...(req.headers.range ? { range: req.headers.range } : {})
    });
    const m = /^\/blobs\/([0-9a-f]{64})$/.exec(p);
    const body = m ? blobs.get(m[1]) : undefined;
    if (!body) {
      unexpected.push(`CDN ${req.method} ${p}`);
      res.writeHead(404).end();
      return;
    }
    sendBody(req, res, body, { 'content-type': 'application/octet-stream' });
  });
  await new Promise<void>(r => cdn.listen(0, '127.0.0.1', () => r()));
  const cdnBase = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;

  const json = (res: http.ServerResponse, value: unknown) =>
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(value));
  const notFound = (res: http.ServerResponse, code: string, message: string) =>
    res
      .writeHead(404, {
        'x-error-code': code,
        'x-error-message': message,
        'content-type': 'application/json'
      })
      .end(JSON.stringify({ error: message }));

  /** Serves a file of a repository at a commit: 302 to the CDN when large, else the body. */
  const serveFile = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    commit: string,
    file: string,
    body: Buffer
  ) => {
    const headers: Record<string, string | number> = {
      'x-repo-commit': commit,
      'access-control-expose-headers':
        'X-Repo-Commit,X-Linked-Etag,X-Linked-Size,ETag'
    };
    if (isLfs(file)) {
      const hex = sha256(body);
      blobs.set(hex, body);
      Object.assign(headers, {
        'x-linked-etag': `"${hex}"`,
        'x-linked-size': body.length,
        etag: `"${gitOid(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${hex}\nsize ${body.length}\n`))}"`,
        location: `${cdnBase}/blobs/${hex}`
      });
      res.writeHead(302, headers).end();
      return;
    }
    headers.etag = `"${gitOid(body)}"`;
    sendBody(req, res, body, headers);
  };

  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(`${req.method} ${url}`);
    for (const [key, statuses] of faults) {
      if (url.includes(key) && statuses.length > 0) {
        const status = statuses.shift() as number;
        res
          .writeHead(status, status === 429 ? { 'retry-after': '0' } : {})
          .end();
        return;
      }
    }
    const repoMatch =
      /^\/(?:api\/(?:datasets|models)\/|datasets\/)?([^/]+\/[^/]+)/.exec(url);
    const repo = repoMatch ? decodeURIComponent(repoMatch[1]) : '';
    const token = opts.gated?.[repo];
    if (token) {
      const auth = req.headers.authorization;
      if (!auth) {
        res.writeHead(401, { 'x-error-code': 'GatedRepo' }).end();
        return;
      }
      if (auth !== `Bearer ${token}`) {
        res.writeHead(403, { 'x-error-code': 'GatedRepo' }).end();
        return;
      }
    }
    let m = /^\/api\/datasets\/([^/]+\/[^/]+)\/parquet$/.exec(url);
    if (m && req.method === 'GET') {
      const set = datasets[m[1]];
      if (!set) {
        notFound(res, 'RepoNotFound', 'Repository not found');
        return;
      }
      const out: Record<string, Record<string, string[]>> = {};
      for (const [config, splits] of Object.entries(set.configs)) {
        out[config] = {};
        for (const [split, files] of Object.entries(splits)) {
          out[config][split] = files.map(
            (_, i) =>
              `https://huggingface.co/api/datasets/${m?.[1]}/parquet/${config}/${split}/${i}.parquet`
          );
        }
      }
      json(res, out);
      return;
    }
    m = /^\/api\/datasets\/([^/]+\/[^/]+)\/tree\/([^/]+)\/?(.*)$/.exec(url);
    if (m && req.method === 'GET') {
      const set = datasets[m[1]];
      const rev = decodeURIComponent(m[2]);
      const dir = decodeURIComponent(m[3]);
      if (!set) {
        notFound(res, 'RepoNotFound', 'Repository not found');
        return;
      }
      if (rev !== PARQUET_REF && rev !== commitOf(m[1])) {
        notFound(res, 'RevisionNotFound', 'Revision not found');
        return;
      }
      const all = Object.values(set.configs).flatMap(s =>
        Object.values(s).flat()
      );
      const prefix = dir ? `${dir}/` : '';
      const children = new Map<string, string | undefined>();
      for (const f of all) {
        if (f.startsWith(prefix)) {
          const rest = f.slice(prefix.length).split('/');
          children.set(prefix + rest[0], rest.length === 1 ? f : undefined);
        }
      }
      if (children.size === 0) {
        notFound(res, 'EntryNotFound', `${dir} does not exist`);
        return;
      }
      json(
        res,
        [...children].sort().map(([p, file]) => {
          if (!file) {
            return {
              type: 'directory',
              oid: derivedCommit(p),
              size: 0,
              path: p
            };
          }
          const body = dataFiles.get(`${m?.[1]}/${file}`) ?? Buffer.alloc(0);
          return {
            type: 'file',
            oid: gitOid(body),
            size: body.length,
            lfs: { oid: sha256(body), size: body.length, pointerSize: 134 },
            path: p
          };
        })
      );
      return;
    }
    m = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (m) {
      const set = datasets[m[1]];
      const rev = decodeURIComponent(m[2]);
      const file = decodeURIComponent(m[3]);
      const body = dataFiles.get(`${m[1]}/${file}`);
      if (!set) {
        notFound(res, 'RepoNotFound', 'Repository not found');
      } else if (rev !== PARQUET_REF && rev !== commitOf(m[1])) {
        notFound(res, 'RevisionNotFound', 'Revision not found');
      } else if (!body) {
        unexpected.push(`${req.method} ${url}`);
        notFound(res, 'EntryNotFound', 'Entry not found');
      } else {
        serveFile(req, res, commitOf(m[1]), file, body);
      }
      return;
    }
    m = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url);
    if (m && req.method === 'GET') {
      const model = models[m[1]];
      const rev = decodeURIComponent(m[2]);
      if (!model) {
        notFound(res, 'RepoNotFound', 'Repository not found');
      } else if (rev !== 'main' && rev !== model.commit) {
        notFound(res, 'RevisionNotFound', 'Revision not found');
      } else {
        json(res, {
          _id: model._id ?? derivedCommit(`id ${m[1]}`),
          id: m[1],
          sha: model.commit,
          ...(model.lastModified ? { lastModified: model.lastModified } : {}),
          siblings: model.siblings.map(rfilename => ({ rfilename }))
        });
      }
      return;
    }
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (m && models[m[1]]) {
      const model = models[m[1]];
      const rev = decodeURIComponent(m[2]);
      const file = decodeURIComponent(m[3]);
      const body = modelFiles.get(`${m[1]}/${file}`);
      if (rev !== 'main' && rev !== model.commit) {
        notFound(res, 'RevisionNotFound', 'Revision not found');
      } else if (!body || !model.siblings.includes(file)) {
        unexpected.push(`${req.method} ${url}`);
        notFound(res, 'EntryNotFound', 'Entry not found');
      } else {
        serveFile(req, res, model.commit, file, body);
      }
      return;
    }
    unexpected.push(`${req.method} ${url}`);
    notFound(res, 'RepoNotFound', 'Repository not found');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    cdnRequests,
    unexpected,
    commitOf,
    close: async () => {
      server.closeAllConnections();
      cdn.closeAllConnections();
      await new Promise<void>(r => server.close(() => r()));
      await new Promise<void>(r => cdn.close(() => r()));
    }
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
