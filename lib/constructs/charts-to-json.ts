import { ApiObject, Chart, DependencyGraph } from 'cdk8s';

/**
 * `charts.map((c) => c.toJson())` for charts of one App, with the App-wide preparation done once.
 *
 * cdk8s's `Chart.toJson()` (App._synthChart in cdk8s 2.70) first prepares the whole App (dependencies
 * between charts and objects inferred over every construct, then `validate()` of every construct) and
 * then renders the chart's own ApiObjects in dependency order. With one call per chart that App-wide pass
 * ran once per chart: O(charts x constructs) per environment. Here the first chart's `toJson()` prepares
 * the App as usual; the other charts are rendered the way cdk8s renders a chart (`chartToKube`: the
 * chart's dependency graph in topological order, ApiObjects whose closest chart is this one). Adding
 * the inferred dependencies again would change nothing (they are sets), so the output is the same;
 * test/output.test.ts compares it with `Chart.toJson()` of every chart of every environment.
 */
export function chartsToJson(charts: readonly Chart[]): any[][] {
  if (charts.length === 0) return [];
  const [first, ...rest] = charts;
  return [
    first.toJson(),
    ...rest.map((chart) => new DependencyGraph(chart.node).topology()
      .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart)
      .map((x) => x.toJson())),
  ];
}
