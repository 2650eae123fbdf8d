/**
 * Runs the bundled app (build/synth.js) with V8's code cache: the first run after a build
 * compiles the bundle and stores V8's compiled code beside it (build/synth.js.cache); later runs
 * load it instead of compiling ~1 MB of JavaScript again. A stale or rejected cache is rewritten.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const file = path.join(__dirname, '..', 'build', 'synth.js');
const cacheFile = `${file}.cache`;
const code = fs.readFileSync(file, 'utf8');
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(wrap(code), { filename: file, cachedData });
const module_ = { exports: {}, filename: file, id: file };
script
  .runInThisContext()
  .call(module_.exports, module_.exports, createRequire(file), module_, file, path.dirname(file));
if (cachedData === undefined || script.cachedDataRejected) fs.writeFileSync(cacheFile, script.createCachedData());
