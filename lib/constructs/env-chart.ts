import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Environment } from '../config';

/**
 * A chart of one environment. `file` is the name of the YAML file it is written to inside `dist/<env>/`;
 * `kubectl apply -f dist/<env>/` applies files in name order, so the number prefix orders them
 * (the Namespace first).
 */
export abstract class EnvChart extends Chart {
  protected constructor(scope: Construct, id: string, readonly env: Environment, readonly file: string) {
    super(scope, id, { disableResourceNameHashes: true });
  }
}
