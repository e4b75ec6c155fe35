/**
 * Config sections of the SLOs (`monitoring.slo`), the edge alerts (`monitoring.edge`) and the alert routing
 * (`monitoring.alerting`: the AlertmanagerConfig). docs/alerting.md explains them.
 */
import { z } from 'zod';
import { dnsName } from '../config/types';
import { duration, durationSeconds, labelName } from './prom-types';

/** An SLO objective: a share strictly between 0 and 1 (1 would leave no error budget at all). */
const objective = (def: number) => z.number()
  .gt(0, { message: 'must be a ratio strictly between 0 and 1, such as 0.999 for 99.9%' })
  .lt(1, { message: 'must be a ratio strictly between 0 and 1, such as 0.999 for 99.9% (1 leaves no error budget)' })
  // The rules and annotations write the objective and its budget as percentages with 4 decimals
  // (lib/monitoring/slo.ts): closer to 1 the budget reads 0%, the objective 100%, and any single error pages.
  .refine((o) => o <= 0 || o >= 1 || (+((1 - o) * 100).toFixed(4) > 0 && +(o * 100).toFixed(4) < 100), {
    message: 'leaves an error budget that rounds to 0 (the alert would say "Objective 100%" and page on any single error) (allowed: at most 0.999999, such as 0.999 for 99.9%)',
  })
  .default(def);

export function sloSchema() {
  return z.strictObject({
    window: duration().default('30d')
      .refine((w) => durationSeconds(w) >= 7 * 86400, { message: 'must be at least 7d (longer than the 3d burn-rate window), such as 30d or 28d' })
      .describe('SLO window: the error budget is (1 - objective) of the requests in this window; the burn-rate factors are derived from it (30d gives the SRE workbook\'s 14.4, 6, 3 and 1)'),
    availability: z.strictObject({
      enabled: z.boolean().default(true).describe('Generate the availability SLO (recording rules and BackendAvailabilityBudgetBurn)'),
      objective: objective(0.999).describe('Share of API responses that are not 5xx'),
    }).prefault({}).describe('Availability SLO of the backend API'),
    latency: z.strictObject({
      enabled: z.boolean().default(true).describe('Generate the latency SLO (recording rules and BackendLatencyBudgetBurn)'),
      objective: objective(0.99).describe('Share of API requests answered within `thresholdSeconds`'),
      thresholdSeconds: z.number().positive().default(0.5).describe('Latency threshold in seconds; must be a bucket boundary of the duration histogram'),
    }).prefault({}).describe('Latency SLO of the backend API'),
    excludeHandlers: z.array(z.string().min(1).regex(/^[^"\\]+$/, { message: 'must be a path without quotes or backslashes' }))
      .default(['/health', '/metrics'])
      .describe('Request paths (values of `metrics.handlerLabel`) the SLOs leave out: probes and scrapes are not user traffic'),
  }).prefault({}).superRefine((s, ctx) => {
    // The fastest page needs an error ratio of 14.4 x the budget (30d window): above 100% it can never fire.
    const factor = 0.02 * durationSeconds(s.window) / 3600;
    for (const name of ['availability', 'latency'] as const) {
      const o = s[name];
      if (o.enabled && factor * (1 - o.objective) >= 1) {
        ctx.addIssue({ code: 'custom', path: [name, 'objective'], message: `is too low for burn-rate alerts: the ${+factor.toFixed(2)}x page would need more than 100% errors (allowed: above ${+(1 - 1 / factor).toFixed(4)}), got ${o.objective}` });
      }
    }
  }).describe('Service level objectives of the backend API (docs/alerting.md, "SLOs")');
}

const ratio = () => z.number().gt(0, { message: 'must be a ratio between 0 and 1 (exclusive 0)' }).max(1, { message: 'must be a ratio between 0 and 1' });

export const EDGE_SOURCES = ['auto', 'none'] as const;

export function edgeAlertsSchema() {
  return z.strictObject({
    source: z.enum(EDGE_SOURCES).default('auto')
      .describe('Edge alerts: "auto" reads the metrics of the edge `edge.kind` and the implementation really run (ingress-nginx: nginx_ingress_controller_requests; Envoy Gateway: its proxies\' envoy_cluster_upstream_rq_xx and local rate-limit counter, scraped by the PodMonitor `edge-proxy`; NGINX Gateway Fabric and a custom ingress controller export no status codes we can read: off, and synth says why), or "none"'),
    errorRatio: ratio().default(0.05).describe('EdgeHighErrorRate: share of an edge\'s responses that are 5xx (over 5 minutes, and over the short window)'),
    rateLimitedRatio: ratio().default(0.05).describe('EdgeRateLimiting: share of an edge\'s responses that are 429 (rate limited)'),
    for: duration().default('5m').describe('How long either ratio must stay above its threshold'),
  }).prefault({}).describe('Alerts on the edge\'s own metrics (the ingress controller\'s 5xx and 429 rates per Ingress)');
}

const secretKeyRef = (what: string) => z.strictObject({
  name: dnsName().describe(`Secret (in the environment's namespace) that holds ${what}`),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a Secret key (letters, digits, "-", "_" and ".")' }).describe('Key in that Secret'),
});

const receiverSchema = z.strictObject({
  pagerduty: z.strictObject({
    routingKey: secretKeyRef('the PagerDuty Events API v2 integration (routing) key').optional()
      .describe('Secret key with the routing key (never the value)'),
  }).optional().describe('Notify PagerDuty (Events API v2)'),
  slack: z.strictObject({
    apiUrl: secretKeyRef('the Slack incoming-webhook URL').optional().describe('Secret key with the webhook URL (never the value)'),
    channel: z.string().regex(/^[#@][a-z0-9._-]{1,80}$/, { message: 'must be a Slack channel such as #pensioen (or @user)' })
      .describe('Channel the messages go to'),
  }).optional().describe('Post to Slack'),
});

const RECEIVER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The receiver that drops alerts; always present, the target of planned events. */
export const NULL_RECEIVER = 'null';
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const TEAMS = ['platform', 'database', 'security'] as const;

export function alertingSchema() {
  return z.strictObject({
    enabled: z.boolean().default(true).describe('Generate the AlertmanagerConfig `pensioen-routing` (needs its CRD and an Alertmanager that selects it)'),
    receivers: z.record(z.string().regex(RECEIVER_NAME, { message: 'must be a receiver name: lowercase letters, digits and "-"' }), receiverSchema)
      .default({
        'on-call': { pagerduty: { routingKey: { name: 'alertmanager-pagerduty-on-call', key: 'routing-key' } } },
        'database-admin': { pagerduty: { routingKey: { name: 'alertmanager-pagerduty-database', key: 'routing-key' } } },
        'security-lead': { pagerduty: { routingKey: { name: 'alertmanager-pagerduty-security', key: 'routing-key' } } },
        slack: { slack: { apiUrl: { name: 'alertmanager-slack', key: 'webhook-url' }, channel: '#pensioen' } },
      })
      .describe('Receivers by name; each notifies through exactly one of pagerduty or slack, with its credential from a Secret. The receiver "null" (drops alerts) always exists'),
    routes: z.array(z.strictObject({
      matchers: z.record(labelName(), z.string().min(1)).refine((o) => Object.keys(o).length > 0, { message: 'needs at least one label, such as { severity: critical }' })
        .describe('Labels an alert must all have (equality), such as { team: database } or { severity: critical }'),
      receiver: z.string().min(1).describe('Receiver the matching alerts go to'),
      continue: z.boolean().default(false).describe('Also try the routes after this one'),
      repeatInterval: duration().optional().describe('Resend a still-firing alert after this long (default: `repeatInterval`)'),
    })).default([
      { matchers: { team: 'database' }, receiver: 'database-admin', continue: false },
      { matchers: { team: 'security' }, receiver: 'security-lead', continue: false },
      { matchers: { severity: 'critical' }, receiver: 'on-call', continue: false, repeatInterval: '1h' },
      { matchers: { severity: 'warning' }, receiver: 'slack', continue: false, repeatInterval: '12h' },
    ]).describe('Routes in order, first match wins (unless `continue`). Before them, always: any alert labelled planned="true" goes to the receiver "null"'),
    defaultReceiver: z.string().min(1).default('slack').describe('Receiver of alerts that match no route (e.g. severity info)'),
    groupBy: z.array(labelName()).min(1).default(['alertname', 'namespace', 'severity']).describe('Labels that group alerts into one notification'),
    groupWait: duration().default('30s').describe('Wait before the first notification of a new group'),
    groupInterval: duration().default('5m').describe('Wait before notifying about new alerts in a group'),
    repeatInterval: duration().default('4h').describe('Resend a still-firing alert after this long'),
  }).prefault({}).superRefine((a, ctx) => {
    const known = new Set([...Object.keys(a.receivers), NULL_RECEIVER]);
    const allowed = `allowed: ${[...known].sort().join(', ')}`;
    for (const [name, r] of Object.entries(a.receivers)) {
      const path = ['receivers', name];
      if (name === NULL_RECEIVER) {
        ctx.addIssue({ code: 'custom', path, message: 'the receiver "null" is built in (it drops alerts); choose another name' });
        continue;
      }
      const kinds = (['pagerduty', 'slack'] as const).filter((k) => r[k] !== undefined);
      if (kinds.length !== 1) {
        ctx.addIssue({ code: 'custom', path, message: `must notify through exactly one of pagerduty, slack (got ${kinds.length === 0 ? 'none' : kinds.join(' and ')})` });
        continue;
      }
      if (r.pagerduty && !r.pagerduty.routingKey) {
        ctx.addIssue({ code: 'custom', path: [...path, 'pagerduty', 'routingKey'], message: 'references no Secret: a PagerDuty receiver needs routingKey: { name: <Secret>, key: <key> } (the key itself never goes into config)' });
      }
      if (r.slack && !r.slack.apiUrl) {
        ctx.addIssue({ code: 'custom', path: [...path, 'slack', 'apiUrl'], message: 'references no Secret: a Slack receiver needs apiUrl: { name: <Secret>, key: <key> } (the webhook URL itself never goes into config)' });
      }
    }
    a.routes.forEach((r, i) => {
      if (!known.has(r.receiver)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'receiver'], message: `unknown receiver "${r.receiver}" (${allowed})` });
      if (r.matchers.severity !== undefined && !(SEVERITIES as readonly string[]).includes(r.matchers.severity)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'matchers', 'severity'], message: `no alert has severity "${r.matchers.severity}" (allowed: ${SEVERITIES.join(', ')})` });
      }
      if (r.matchers.team !== undefined && !(TEAMS as readonly string[]).includes(r.matchers.team)) {
        ctx.addIssue({ code: 'custom', path: ['routes', i, 'matchers', 'team'], message: `no alert has team "${r.matchers.team}" (allowed: ${TEAMS.join(', ')})` });
      }
    });
    if (!known.has(a.defaultReceiver)) ctx.addIssue({ code: 'custom', path: ['defaultReceiver'], message: `unknown receiver "${a.defaultReceiver}" (${allowed})` });
    const used = new Set([a.defaultReceiver, ...a.routes.map((r) => r.receiver)]);
    for (const name of Object.keys(a.receivers)) {
      if (name !== NULL_RECEIVER && !used.has(name)) ctx.addIssue({ code: 'custom', path: ['receivers', name], message: 'is used by no route and is not `defaultReceiver` (remove it or route to it)' });
    }
  }).describe('Alert routing: the AlertmanagerConfig `pensioen-routing` (docs/alerting.md)');
}
