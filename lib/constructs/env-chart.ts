import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { EnvContext } from '../config/context';

export type { EnvContext } from '../config/context';

/** What every chart of an environment takes: the environment context. A chart's props extend it. */
export interface EnvChartProps {
  readonly env: EnvContext;
}

/**
 * A chart of one environment. `file` is the name of the YAML file it is written to inside `dist/<env>/`;
 * `kubectl apply -f dist/<env>/` applies files in name order, so the number prefix orders them
 * (the Namespace first). `env` is the environment context (lib/config/context.ts): constructs inside the
 * chart (a `Workload`) take their labels and pod defaults from it.
 */
export abstract class EnvChart extends Chart {
  protected constructor(scope: Construct, id: string, readonly env: EnvContext, readonly file: string) {
    super(scope, id, { disableResourceNameHashes: true });
  }
}
