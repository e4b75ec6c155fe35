/**
 * The alert pipeline's heartbeat (`monitoring.heartbeat`): an always-firing `Watchdog` alert, routed to a
 * dead man's switch outside the cluster that pages when the pings stop.
 *
 * Why our own Watchdog and not kube-prometheus's: kube-prometheus-stack's `Watchdog` carries no `namespace`
 * label, and the prometheus-operator appends `namespace="<ns>"` to every route of a namespaced
 * AlertmanagerConfig (alertmanagerConfigMatcherStrategy OnNamespace, its default), so `pensioen-routing`
 * can never see it. Ours is the same rule (`vector(1)`, severity `none`) in the PrometheusRule
 * `pensioen-heartbeat` of this namespace, labelled with it: a ping proves that Prometheus loads THIS
 * environment's rules, that Alertmanager loaded THIS environment's routing, and that notifications leave
 * the cluster.
 *
 * Timing: Alertmanager flushes an alert group every `group_interval`; an unchanged group is re-sent at a flush
 * only when the last send is at least `repeat_interval` old. The last send is logged a moment after its
 * flush, so `repeat_interval` equal to `group_interval` would skip every other flush: the route uses
 * `group_interval: <interval>` and `repeat_interval: <interval - 10s>`, one ping per `interval`.
 */
import { z } from 'zod';
import { dnsName } from '../config/types';
import { duration, durationSeconds } from './prom-types';

export const HEARTBEAT_ALERT = 'Watchdog';
export const HEARTBEAT_RECEIVER = 'heartbeat';
export const HEARTBEAT_PROMETHEUS_RULE = 'pensioen-heartbeat';
export const HEARTBEAT_PROVIDERS = ['healthchecks', 'opsgenie', 'grafana-oncall', 'webhook'] as const;
export type HeartbeatProvider = typeof HEARTBEAT_PROVIDERS[number];

/** What the provider's check must be set to, per provider (docs/alerting.md, "Heartbeat"). */
export const PROVIDER_SETUP: Record<HeartbeatProvider, { what: string; url: string; check: (interval: string, expectEvery: string) => string }> = {
  healthchecks: {
    what: 'healthchecks.io (or a self-hosted Healthchecks)',
    url: 'the check\'s ping URL, https://hc-ping.com/<uuid>',
    check: (i, e) => `a Simple check with Period ${i} and Grace ${e} (it pages when no ping came for Period + Grace)`,
  },
  opsgenie: {
    what: 'Opsgenie heartbeats (Heartbeat API v2)',
    url: 'https://api.opsgenie.com/v2/heartbeats/<heartbeat name>/ping (api.eu.opsgenie.com for the EU instance); the API key of an API integration goes into `apiKey` (sent as Authorization: GenieKey <key>)',
    check: (_i, e) => `a heartbeat with interval ${e} (Opsgenie's smallest unit is a minute) and the alert priority you want paged`,
  },
  'grafana-oncall': {
    what: 'Grafana OnCall, the heartbeat of an "Alertmanager" integration',
    url: 'the integration\'s heartbeat URL (shown under Heartbeat in the integration; it keeps its trailing slash)',
    check: (_i, e) => `the integration's heartbeat interval set to ${e} or the next longer choice`,
  },
  webhook: {
    what: 'any service that pages on missing HTTP pings (Dead Man\'s Snitch, which also feeds PagerDuty; Cronitor; Better Stack)',
    url: 'the service\'s ping URL (Alertmanager POSTs its webhook JSON to it)',
    check: (i, e) => `an expected interval of ${i} with a tolerance of ${e}`,
  },
};

const secretKey = (what: string) => z.strictObject({
  name: dnsName().describe(`Secret (in the environment's namespace) that holds ${what}`),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a Secret key (letters, digits, "-", "_" and ".")' }).describe('Key in that Secret'),
});

export function heartbeatSchema() {
  return z.strictObject({
    provider: z.enum(HEARTBEAT_PROVIDERS).describe('The dead man\'s switch: "healthchecks" (healthchecks.io), "opsgenie" (Opsgenie heartbeat), "grafana-oncall" (heartbeat of an Alertmanager integration) or "webhook" (any service that pages on missing pings, e.g. Dead Man\'s Snitch for PagerDuty)'),
    url: secretKey('the ping URL (its path identifies the check, so it stays out of config)').describe('Secret key with the URL Alertmanager POSTs every ping to'),
    apiKey: secretKey('the Opsgenie API key').optional().describe('opsgenie only: Secret key with the API integration\'s key (sent as Authorization: GenieKey <key>)'),
    interval: duration().default('1m').describe('How often Alertmanager pings (its group_interval on the Watchdog route; repeat_interval is 10s shorter)'),
    expectEvery: duration().default('5m').describe('How long the provider waits for a ping before it pages (set the same at the provider: healthchecks "Grace", Opsgenie "interval"); at least twice `interval`, so one lost ping never pages'),
  }).superRefine((h, ctx) => {
    if (h.provider === 'opsgenie' && !h.apiKey) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required with provider opsgenie: a Secret key with the API integration\'s key ({ name: <Secret>, key: <key> })' });
    }
    if (h.provider !== 'opsgenie' && h.apiKey) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: `is only used with provider opsgenie (got provider ${h.provider}: the token is part of its URL)` });
    }
    if (durationSeconds(h.interval) < 20) {
      ctx.addIssue({ code: 'custom', path: ['interval'], message: `must be at least 20s (a ping more often only loads the provider), got ${h.interval}` });
    }
    if (durationSeconds(h.expectEvery) < 2 * durationSeconds(h.interval)) {
      ctx.addIssue({ code: 'custom', path: ['expectEvery'], message: `must be at least twice interval (${h.interval}), so that one lost ping does not page, got ${h.expectEvery}` });
    }
  }).optional().describe('Dead man\'s switch for the alert pipeline: an always-firing Watchdog alert (PrometheusRule `pensioen-heartbeat`) routed to a provider that pages when the pings stop (docs/alerting.md, "Heartbeat"). Left out: no heartbeat, and synth warns');
}

export type HeartbeatConfig = NonNullable<z.output<ReturnType<typeof heartbeatSchema>>>;

const fmt = (s: number) => {
  const m = Math.floor(s / 60);
  const r = s % 60;
  return `${m ? `${m}m` : ''}${r ? `${r}s` : ''}` || '0s';
};

/** group_wait, group_interval and repeat_interval of the Watchdog route: one ping per `interval`. */
export function heartbeatTiming(h: HeartbeatConfig): { groupWait: string; groupInterval: string; repeatInterval: string } {
  const i = durationSeconds(h.interval);
  return { groupWait: '0s', groupInterval: fmt(i), repeatInterval: fmt(i - 10) };
}

/** The Watchdog rule: always firing, severity none (as kube-prometheus's), labelled with the namespace. */
export function heartbeatRule(namespace: string) {
  return {
    alert: HEARTBEAT_ALERT,
    expr: 'vector(1)',
    labels: { severity: 'none', team: 'platform', namespace },
    annotations: {
      summary: 'Heartbeat of the alert pipeline: always firing',
      description: `Always firing, by design: Alertmanager sends it to the dead man's switch (receiver ${HEARTBEAT_RECEIVER}) every ping interval, and the provider pages when the pings stop. It proves that Prometheus evaluates the rules of namespace ${namespace}, that Alertmanager routes them, and that notifications leave the cluster.`,
    },
  };
}
