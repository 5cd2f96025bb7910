import Ajv from 'ajv';
import schema from '../src/deni/sweep/sweep-spec.schema.json';
const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const v = ajv.compile(schema);
v({name:'ok', dataset:['sst2',{path:'a.csv',textColumn:'t'}], model:'m'});
for (const e of v.errors!) console.log(e.instancePath, e.keyword, e.schemaPath, JSON.stringify(e.parentSchema).slice(0,100));
