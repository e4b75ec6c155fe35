/**
 * The gate's build cache: CRD files parsed into JSON (an index of the kinds each serves, and the
 * schemas) and compiled validators (ajv standalone code, named after the hash of the schema they check), in
 * `.build/validate-cache/` next to the CRD folder, each file named after a hash of the CRD file's path,
 * size and modification time, so a changed or new CRD is never read from a stale entry. Never committed; deleting it is safe.
 * Set PENSIOEN_VALIDATE_CACHE=off to bypass it.
 */
import * as fs from 'fs';
import * as path from 'path';

const enabled = () => process.env.PENSIOEN_VALIDATE_CACHE !== 'off';

function cacheDir(crdDir: string): string {
  return path.join(path.dirname(path.resolve(crdDir)), '.build', 'validate-cache');
}

export function cacheRead(crdDir: string, name: string): string | undefined {
  if (!enabled()) return undefined;
  try {
    return fs.readFileSync(path.join(cacheDir(crdDir), name), 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file + rename); a cache that cannot be written is only a lost speed-up. */
export function cacheWrite(crdDir: string, name: string, content: string): void {
  if (!enabled()) return;
  try {
    const dir = cacheDir(crdDir);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${name}.tmp-${process.pid}`);
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, path.join(dir, name));
  } catch {
    // read-only work tree: run without the cache
  }
}

/** The modules ajv standalone code requires (loaded when first required). */
const RUNTIME: Record<string, () => unknown> = {
  'ajv/dist/runtime/equal': () => require('ajv/dist/runtime/equal'),
  'ajv/dist/runtime/ucs2length': () => require('ajv/dist/runtime/ucs2length'),
  'ajv/dist/runtime/uri': () => require('ajv/dist/runtime/uri'),
  'ajv/dist/runtime/validation_error': () => require('ajv/dist/runtime/validation_error'),
  'ajv-formats/dist/formats': () => require('ajv-formats/dist/formats'),
};

/** Evaluates cached CommonJS code (ajv standalone output); undefined when it cannot be loaded. */
export function loadModule(code: string): unknown {
  try {
    const module = { exports: {} as any };
    const req = (id: string) => {
      if (!(id in RUNTIME)) throw new Error(`cached validator requires ${id}`);
      return RUNTIME[id]();
    };
    new Function('require', 'module', 'exports', code)(req, module, module.exports);
    return module.exports.default ?? module.exports;
  } catch {
    return undefined;
  }
}
