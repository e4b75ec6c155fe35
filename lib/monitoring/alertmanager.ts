/**
 * Alert routing: the AlertmanagerConfig `pensioen-routing` (monitoring.coreos.com/v1alpha1) built from
 * `monitoring.alerting`, how Alertmanager routes an alert through it, and the Alertmanager configuration the
 * prometheus-operator generates from it (for amtool and for docs/alerting.md).
 *
 * The operator's conversion (pkg/alertmanager/amcfg.go, v0.93): `AddAlertmanagerConfigs` converts the
 * resource's route into ONE first-level route of the Alertmanager's own configuration, inserted before
 * the routes of the base config; the namespace enforcer (`alertmanagerConfigMatcherStrategy` OnNamespace,
 * the default) appends the matcher `namespace="<the resource's namespace>"` to that route and to both sides
 * of every inhibit rule; `continueToNextRoute` forces `continue: true` on it; `makeNamespacedString` renames
 * every receiver to `<namespace>/<resource name>/<receiver>`; Secret references are resolved to their
 * values (`routing_key`, `api_url`).
 */
import {
  type AlertmanagerConfigSpec, AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType as SourceMatchType,
  AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType as TargetMatchType, AlertmanagerConfigSpecRouteMatchersMatchType as RouteMatchType,
  type AlertmanagerConfigSpecRoute,
} from '../../imports/prom-alertmanagerconfigs-monitoring.coreos.com';
import type { EnvConfig } from '../config';
import { NULL_RECEIVER } from './alerting-schema';
import { ALERTMANAGER_CONFIG } from './names';
import { HEARTBEAT_ALERT, HEARTBEAT_RECEIVER, heartbeatTiming } from './heartbeat';

/** The contract for planned events (e.g. a planned Redis hand-over): any alert with this label is dropped. */
export const PLANNED_LABEL = 'planned';
export const PLANNED_VALUE = 'true';

export interface Matcher { name: string; value: string; matchType: '=' | '!=' | '=~' | '!~' }
export interface AmcRoute {
  receiver: string;
  matchers?: Matcher[];
  continue?: boolean;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  routes?: AmcRoute[];
}
export interface SecretKeyRef { name: string; key: string }
export interface AmcReceiver {
  name: string;
  pagerdutyConfigs?: { routingKey: SecretKeyRef; sendResolved: boolean; description: string; details: { key: string; value: string }[] }[];
  slackConfigs?: { apiURL: SecretKeyRef; channel: string; sendResolved: boolean; title: string; text: string; titleLink: string }[];
  webhookConfigs?: { urlSecret: SecretKeyRef; sendResolved: boolean; httpConfig?: { authorization: { type: string; credentials: SecretKeyRef } } }[];
}
export interface AmcInhibitRule { sourceMatch: Matcher[]; targetMatch: Matcher[]; equal: string[] }
/** The spec of the AlertmanagerConfig, as it appears in dist/ (JSON field names of the CRD). */
export interface AmcSpec { route: AmcRoute; receivers: AmcReceiver[]; inhibitRules: AmcInhibitRule[] }

const eq = (name: string, value: string): Matcher => ({ name, value, matchType: '=' });

const SLACK_TITLE = '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }}, {{ .CommonLabels.severity }})';
const SLACK_TEXT = '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}';

/** The AlertmanagerConfig's spec from `monitoring.alerting` (receivers, routes) and `monitoring.heartbeat`. */
export function alertmanagerConfigSpec(monitoring: EnvConfig['monitoring']): AmcSpec {
  const a = monitoring.alerting;
  const receivers: AmcReceiver[] = [{ name: NULL_RECEIVER }];
  for (const [name, r] of Object.entries(a.receivers)) {
    if (r.pagerduty?.routingKey) {
      receivers.push({
        name,
        pagerdutyConfigs: [{
          routingKey: { name: r.pagerduty.routingKey.name, key: r.pagerduty.routingKey.key },
          sendResolved: true,
          description: '{{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }}): {{ .CommonAnnotations.summary }}',
          details: [
            { key: 'runbook_url', value: '{{ .CommonAnnotations.runbook_url }}' },
            { key: 'description', value: '{{ .CommonAnnotations.description }}' },
          ],
        }],
      });
    } else if (r.slack?.apiUrl) {
      receivers.push({
        name,
        slackConfigs: [{
          apiURL: { name: r.slack.apiUrl.name, key: r.slack.apiUrl.key },
          channel: r.slack.channel,
          sendResolved: true,
          title: SLACK_TITLE,
          titleLink: '{{ .CommonAnnotations.runbook_url }}',
          text: SLACK_TEXT,
        }],
      });
    }
  }
  // The heartbeat (lib/monitoring/heartbeat.ts): the dead man's switch gets only the Watchdog, never a
  // resolved message (a "resolved" POST would count as a ping while the Watchdog is gone).
  const hb = monitoring.heartbeat;
  if (hb) {
    receivers.push({
      name: HEARTBEAT_RECEIVER,
      webhookConfigs: [{
        urlSecret: { name: hb.url.name, key: hb.url.key },
        sendResolved: false,
        ...(hb.apiKey ? { httpConfig: { authorization: { type: 'GenieKey', credentials: { name: hb.apiKey.name, key: hb.apiKey.key } } } } : {}),
      }],
    });
  }
  const heartbeatRoutes: AmcRoute[] = hb
    ? [{ receiver: HEARTBEAT_RECEIVER, matchers: [eq('alertname', HEARTBEAT_ALERT)], groupBy: ['alertname', 'namespace'], ...heartbeatTiming(hb) }]
    : [];
  return {
    route: {
      receiver: a.defaultReceiver,
      groupBy: [...a.groupBy],
      groupWait: a.groupWait,
      groupInterval: a.groupInterval,
      repeatInterval: a.repeatInterval,
      routes: [
        // First: the Watchdog goes to the dead man's switch only (never to a person), every ping interval.
        ...heartbeatRoutes,
        // Planned events (a planned Redis hand-over, maintenance) never notify anyone.
        { receiver: NULL_RECEIVER, matchers: [eq(PLANNED_LABEL, PLANNED_VALUE)] },
        ...a.routes.map((r) => ({
          receiver: r.receiver,
          matchers: Object.entries(r.matchers).map(([k, v]) => eq(k, v)),
          ...(r.continue ? { continue: true } : {}),
          ...(r.repeatInterval ? { repeatInterval: r.repeatInterval } : {}),
        })),
      ],
    },
    receivers,
    inhibitRules: [
      // A critical alert silences its warning twin (same alert name, e.g. the page and the ticket of a
      // burn-rate alert, on the same job and SLO).
      { sourceMatch: [eq('severity', 'critical')], targetMatch: [eq('severity', 'warning')], equal: ['alertname', 'namespace', 'job', 'slo'] },
      // A target that is not scraped at all explains each of its series being missing: one alert, not many.
      { sourceMatch: [eq('alertname', 'MetricsTargetMissing')], targetMatch: [eq('alertname', 'MetricSeriesMissing')], equal: ['namespace', 'target'] },
    ],
  };
}

const ROUTE_MATCH: Record<Matcher['matchType'], RouteMatchType> = {
  '=': RouteMatchType.VALUE_EQUALS, '!=': RouteMatchType.VALUE_NOT_EQUALS_TO, '=~': RouteMatchType.VALUE_EQUAL_TILDE, '!~': RouteMatchType.VALUE_NEGATION_TILDE,
};
const SOURCE_MATCH: Record<Matcher['matchType'], SourceMatchType> = {
  '=': SourceMatchType.VALUE_EQUALS, '!=': SourceMatchType.VALUE_NOT_EQUALS_TO, '=~': SourceMatchType.VALUE_EQUAL_TILDE, '!~': SourceMatchType.VALUE_NEGATION_TILDE,
};
const TARGET_MATCH: Record<Matcher['matchType'], TargetMatchType> = {
  '=': TargetMatchType.VALUE_EQUALS, '!=': TargetMatchType.VALUE_NOT_EQUALS_TO, '=~': TargetMatchType.VALUE_EQUAL_TILDE, '!~': TargetMatchType.VALUE_NEGATION_TILDE,
};

/**
 * The spec for the generated `AlertmanagerConfig` class: the same fields under the class's names (`apiUrl` for
 * the CRD's `apiURL`) and enums. The nested `routes` stay as they are: the CRD leaves them untyped (any JSON).
 */
export function typedAlertmanagerConfigSpec(spec: AmcSpec): AlertmanagerConfigSpec {
  const route = ({ matchers, ...r }: AmcRoute): AlertmanagerConfigSpecRoute => ({
    ...r,
    ...(matchers ? { matchers: matchers.map((m) => ({ ...m, matchType: ROUTE_MATCH[m.matchType] })) } : {}),
  });
  return {
    route: route(spec.route),
    receivers: spec.receivers.map((r) => ({
      ...r,
      ...(r.slackConfigs ? { slackConfigs: r.slackConfigs.map(({ apiURL, ...c }) => ({ ...c, apiUrl: apiURL })) } : {}),
    })),
    inhibitRules: spec.inhibitRules.map((i) => ({
      ...i,
      sourceMatch: i.sourceMatch.map((m) => ({ ...m, matchType: SOURCE_MATCH[m.matchType] })),
      targetMatch: i.targetMatch.map((m) => ({ ...m, matchType: TARGET_MATCH[m.matchType] })),
    })),
  };
}

function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.matchType) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~': return !new RegExp(`^(?:${m.value})$`).test(v);
    default: return false;
  }
}

/**
 * The receivers (names as in the AlertmanagerConfig) an alert with these labels reaches, by Alertmanager's
 * routing: the first matching child wins unless it has `continue`; a node no child matches notifies its own
 * receiver. `namespace` must be the resource's own (the operator's matcher); otherwise: none of ours.
 */
export function routeAlert(spec: AmcSpec, namespace: string, labels: Record<string, string>): string[] {
  if (labels.namespace !== namespace) return [];
  const walk = (r: AmcRoute): string[] => {
    const out: string[] = [];
    for (const child of r.routes ?? []) {
      if (!(child.matchers ?? []).every((m) => matches(m, labels))) continue;
      out.push(...walk(child));
      if (!child.continue) break;
    }
    return out.length ? out : [r.receiver];
  };
  return walk(spec.route);
}

/** kube-prometheus-stack's default `alertmanager.config` (values.yaml): the base the operator merges into. */
export const KUBE_PROMETHEUS_STACK_BASE = {
  global: { resolve_timeout: '5m' },
  route: {
    group_by: ['namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '12h',
    receiver: 'null',
    routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
  },
  receivers: [{ name: 'null' }],
  templates: ['/etc/alertmanager/config/*.tmpl'],
};

const matcherString = (m: Matcher) => `${m.name}${m.matchType}${JSON.stringify(m.value)}`;

/**
 * The Alertmanager configuration the operator generates from the base configuration and this
 * AlertmanagerConfig object (as synthesized), with `secretValue` standing in for the Secrets it reads.
 */
export function operatorAlertmanagerConfig(
  amc: { metadata: { name: string; namespace: string }; spec: AmcSpec },
  secretValue: (ref: SecretKeyRef) => string,
  base: Record<string, any> = KUBE_PROMETHEUS_STACK_BASE,
): Record<string, any> {
  const { name, namespace } = amc.metadata;
  const prefixed = (r: string) => `${namespace}/${name}/${r}`;
  const nsMatcher = matcherString(eq('namespace', namespace));
  const convertRoute = (r: AmcRoute): Record<string, any> => ({
    receiver: prefixed(r.receiver),
    ...(r.groupBy ? { group_by: r.groupBy } : {}),
    ...(r.groupWait ? { group_wait: r.groupWait } : {}),
    ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
    ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
    ...(r.matchers?.length ? { matchers: r.matchers.map(matcherString) } : {}),
    ...(r.continue ? { continue: true } : {}),
    ...(r.routes?.length ? { routes: r.routes.map(convertRoute) } : {}),
  });
  const top = convertRoute(amc.spec.route);
  top.matchers = [...(top.matchers ?? []), nsMatcher];
  top.continue = true;
  const receivers = amc.spec.receivers.map((r) => ({
    name: prefixed(r.name),
    ...(r.pagerdutyConfigs ? {
      pagerduty_configs: r.pagerdutyConfigs.map((p) => ({
        send_resolved: p.sendResolved,
        routing_key: secretValue(p.routingKey),
        description: p.description,
        details: Object.fromEntries(p.details.map((d) => [d.key, d.value])),
      })),
    } : {}),
    ...(r.slackConfigs ? {
      slack_configs: r.slackConfigs.map((s) => ({
        send_resolved: s.sendResolved,
        api_url: secretValue(s.apiURL),
        channel: s.channel,
        title: s.title,
        title_link: s.titleLink,
        text: s.text,
      })),
    } : {}),
    ...(r.webhookConfigs ? {
      webhook_configs: r.webhookConfigs.map((w) => ({
        send_resolved: w.sendResolved,
        url: secretValue(w.urlSecret),
        ...(w.httpConfig ? { http_config: { authorization: { type: w.httpConfig.authorization.type, credentials: secretValue(w.httpConfig.authorization.credentials) } } } : {}),
      })),
    } : {}),
  }));
  const inhibit = amc.spec.inhibitRules.map((i) => ({
    source_matchers: [...i.sourceMatch.map(matcherString), nsMatcher],
    target_matchers: [...i.targetMatch.map(matcherString), nsMatcher],
    equal: i.equal,
  }));
  return {
    ...base,
    route: { ...base.route, routes: [top, ...(base.route.routes ?? [])] },
    receivers: [...(base.receivers ?? []), ...receivers],
    inhibit_rules: [...(base.inhibit_rules ?? []), ...inhibit],
  };
}

export const ALERTMANAGER_CONFIG_NAME = ALERTMANAGER_CONFIG;
