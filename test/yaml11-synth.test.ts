/**
 * Synth checks what it writes, not only what it meant: with an emitter that quotes only for YAML 1.2 (as the
 * output was written before), synth refuses the onprem fixture's unquoted `wal_compression: on`, names the
 * object, path and config key, and writes nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
const FIXTURES = path.join(__dirname, 'fixtures'); // (not from ./helpers: it loads main before the mock)

jest.mock('../lib/output/yaml', () => {
  const actual = jest.requireActual('../lib/output/yaml');
  const yaml12Only = { lineWidth: 0, minContentWidth: 0, indentSeq: true };
  return { ...actual, toYamlDocument: (v: unknown) => stringify(v, yaml12Only) };
});

// required after the mock is registered (imports are hoisted above jest.mock by the esbuild transform)
const { main } = require('../main') as typeof import('../main');

test('synth refuses output that a YAML 1.1 reader reads differently, naming the config key, and writes nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-yaml11-synth-'));
  const stderr: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { stderr.push(String(s)); return true; });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    fs.mkdirSync(path.join(dir, 'config'));
    fs.copyFileSync(path.join(FIXTURES, 'onprem.yaml'), path.join(dir, 'config', 'onprem.yaml'));
    const code = main(['--config', path.join(dir, 'config'), '--out', path.join(dir, 'out')]);
    expect(code).toBe(1);
    const text = stderr.join('');
    expect(text).toContain('onprem: Cluster/pensioen/pensioen-db: yaml-1.1: onprem/08-database.yaml (document 2): spec.postgresql.parameters.wal_compression: "on" in YAML 1.2 reads as the boolean true in YAML 1.1');
    expect(text).toContain('(config key: database.cloudnativePg.parameters.wal_compression)');
    expect(text).toMatch(/matchType: "=" in YAML 1\.2 reads as PyYAML's value tag/);
    expect(text).toMatch(/synth failed: \d+ value\(s\) read differently by YAML 1\.1 readers; nothing was written/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  } finally {
    spy.mockRestore();
    out.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
