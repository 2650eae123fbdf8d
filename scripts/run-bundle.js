/**
 * Runs the bundled app (build/synth.js) with V8's code cache: the first run after a build stores
 * V8's compiled code beside the bundle (build/synth.js.cache), later runs load it instead of
 * compiling ~1 MB of JavaScript again. A stale or rejected cache is rewritten.
 *
 * Anything the app throws ends the run with one line and exit code 1. `DEBUG=1` shows the stack
 * instead, mapped to the TypeScript sources through the bundle's source map.
 */
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const file = path.join(__dirname, '..', 'build', 'synth.js');
const debug = Boolean(process.env.DEBUG) && process.env.DEBUG !== '0';

function runCached() {
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
}

if (debug) {
  // The plain loader reads the bundle's source map; the code cache would hide it.
  process.setSourceMapsEnabled(true);
  require(file);
} else {
  try {
    runCached();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`synth failed, nothing written: ${message.split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
