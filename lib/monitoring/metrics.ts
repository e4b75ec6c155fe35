/**
 * The backend's metric names, as the rules, the SLOs and the dashboard read them: a preset for what the
 * backend really exports (`monitoring.metrics.exporter`), with every name overridable in config.
 *
 * - `prometheus-fastapi-instrumentator` (the default; `Instrumentator().instrument(app).expose(app)`):
 *   `http_requests_total{handler,method,status}` with status codes grouped ("2xx", "5xx": the default
 *   `should_group_status_codes=True`), and the histogram `http_request_duration_seconds{handler,method}` with
 *   its default "low resolution" buckets 0.1, 0.5 and 1 s (`latency_lowr_buckets`).
 * - `prometheus-client`: the deployment guide's own middleware (`Counter('requests_total')`,
 *   `Histogram('request_duration_seconds')`, prometheus_client's default buckets). The guide's counter has no
 *   status label, so no error ratio can be computed from it: the backend must add one
 *   (`Counter('requests_total', 'Total requests', ['status'])`, `.labels(status=str(response.status_code)).inc()`),
 *   see docs/alerting.md.
 *
 * Status matchers use `=~"5.."`, which matches both "500" and the instrumentator's grouped "5xx".
 */
export const EXPORTERS = {
  'prometheus-fastapi-instrumentator': {
    requestsTotal: 'http_requests_total',
    statusLabel: 'status',
    requestDuration: 'http_request_duration_seconds',
    handlerLabel: 'handler',
    durationBuckets: [0.1, 0.5, 1],
  },
  'prometheus-client': {
    requestsTotal: 'requests_total',
    statusLabel: 'status',
    requestDuration: 'request_duration_seconds',
    handlerLabel: 'handler',
    durationBuckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  },
} as const;
export type Exporter = keyof typeof EXPORTERS;
export const EXPORTER_NAMES = Object.keys(EXPORTERS) as Exporter[];

export interface BackendMetrics {
  readonly exporter: Exporter;
  readonly requestsTotal: string;
  readonly statusLabel: string;
  /** Histogram base name: the rules read `<name>_bucket` and `<name>_count`. */
  readonly requestDuration: string;
  readonly handlerLabel: string;
  readonly durationBuckets: readonly number[];
}

/** The `monitoring.metrics` config section (structural: the schema itself uses this module). */
export interface MetricsConfig {
  readonly exporter: Exporter;
  readonly requestsTotal?: string;
  readonly statusLabel?: string;
  readonly requestDuration?: string;
  readonly handlerLabel?: string;
  readonly durationBuckets?: readonly number[];
}

/** The effective names: the exporter's preset, overridden by any name set in config. */
export function backendMetrics(m: MetricsConfig): BackendMetrics {
  const preset = EXPORTERS[m.exporter];
  return {
    exporter: m.exporter,
    requestsTotal: m.requestsTotal ?? preset.requestsTotal,
    statusLabel: m.statusLabel ?? preset.statusLabel,
    requestDuration: m.requestDuration ?? preset.requestDuration,
    handlerLabel: m.handlerLabel ?? preset.handlerLabel,
    durationBuckets: m.durationBuckets ?? preset.durationBuckets,
  };
}

/**
 * A matcher for the bucket `le` of a boundary in seconds. Python's prometheus_client writes integral
 * boundaries as "1.0" (Go clients as "1"), so an integral boundary matches both.
 */
export function leMatcher(seconds: number): string {
  return Number.isInteger(seconds) ? `le=~"${seconds}(\\\\.0)?"` : `le="${seconds}"`;
}
