import { getStrategy } from '../src/deni/strategies';
for (const p of [{ K: 'x' }, { Kk: 3 }, { K: 0 }, { s2: 0.1 }]) {
  try { getStrategy('deni').resolveParams(p as never); console.log('ok', p); } catch (e) { console.log((e as Error).message); }
}
