/**
 * A scratch folder with a real previous synth of the production fixture in its output folder (`outDir`), so
 * that "the output is unchanged" is checked against real content; and the synth run in this process against
 * a config folder, its stderr captured. Registers its own beforeAll/afterAll.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../lib/output/write';
import { main } from '../main';
import { FIXTURES } from './helpers';

export interface SynthWorkdir {
  work: string;
  outDir: string;
  /** The output folder after the good synth. */
  before: Map<string, string>;
  runInProcess(configDir: string): { code: number; stderr: string };
}

export function synthWorkdir(): SynthWorkdir {
  const w: SynthWorkdir = {
    work: '', outDir: '', before: new Map(),
    runInProcess(configDir: string) {
      let stderr = '';
      const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => { stderr += String(s); return true; });
      const outSpy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        return { code: main(['--config', configDir, '--out', w.outDir]), stderr };
      } finally {
        errSpy.mockRestore();
        outSpy.mockRestore();
      }
    },
  };
  beforeAll(() => {
    w.work = fs.mkdtempSync(path.join(os.tmpdir(), 'pensioen-config-'));
    w.outDir = path.join(w.work, 'dist');
    fs.mkdirSync(path.join(w.work, 'good'));
    fs.copyFileSync(path.join(FIXTURES, 'production.yaml'), path.join(w.work, 'good', 'production.yaml'));
    expect(w.runInProcess(path.join(w.work, 'good')).code).toBe(0);
    w.before = readTree(w.outDir);
    expect(w.before.size).toBeGreaterThan(3);
  });
  afterAll(() => fs.rmSync(w.work, { recursive: true, force: true }));
  return w;
}
