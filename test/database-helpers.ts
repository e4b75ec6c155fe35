/** A small cloudnative-pg environment for the database tests, with settings changed one at a time. */
import { stringify } from 'yaml';
import { inlineEnvironment } from './helpers';
import type { Environment } from '../lib/config';

type Obj = Record<string, any>;

/** Deep merge: objects merge, everything else (arrays too) replaces; `undefined` deletes the key. */
export function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])) out[k] = merge(out[k], v);
    else out[k] = v;
  }
  return out;
}

export const CNPG_BASE: Obj = {
  registry: 'registry.example.nl/pensioen',
  certManager: { email: 'ops@example.nl' },
  backend: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 }, databasePool: { size: 10, maxOverflow: 20 } },
  database: {
    mode: 'cloudnative-pg',
    cloudnativePg: {
      apiServerCidrs: ['10.0.0.1/32'],
      backup: {
        objectStore: {
          endpointURL: 'https://minio.example.nl',
          destinationPath: 's3://pensioen-backups/db',
          egressCidrs: ['10.9.0.0/24'],
        },
      },
    },
  },
};

/** The config YAML of CNPG_BASE with overrides merged in. */
export function cnpgYaml(overrides: Obj = {}): string {
  return stringify(merge(CNPG_BASE, overrides));
}

/** Overrides below `database.cloudnativePg`. */
export const cnpgOverrides = (o: Obj): Obj => ({ database: { cloudnativePg: o } });

export function cnpgEnv(overrides: Obj = {}, name = 'dbtest'): Environment {
  return inlineEnvironment(name, cnpgYaml(overrides));
}
