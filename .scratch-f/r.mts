import IORedis from 'ioredis';
async function t(url: string) {
  const c = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let last = ''; c.on('error', (e) => { last = (e as Error).message; });
  try { await c.connect(); console.log(url, 'connected', await c.ping()); }
  catch (e) { console.log(url, 'ERR', (e as Error).message, '| last:', last); }
  c.disconnect();
}
await t('redis://:sekret@127.0.0.1:16399');
await t('redis://:wrong@127.0.0.1:16399');
await t('redis://127.0.0.1:16399');
await t('redis://127.0.0.1:16398');
