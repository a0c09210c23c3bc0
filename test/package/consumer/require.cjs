// require(esm): every public subpath loads from CommonJS on Node >= 20.19.
const subpaths = JSON.parse(process.argv[2]);
const loaded = {};
for (const s of subpaths) loaded[s] = Object.keys(require(s)).length;
const { decodeGraphError } = require("wacall");
console.log(JSON.stringify({ loaded, tag: decodeGraphError({ error: { code: 138006 } }, { operation: "connect" })._tag }));
