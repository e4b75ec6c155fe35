/** The shapes of a promtool rule test (`promtool test rules`): shared by the case builders of test/promtool/. */
export interface Series { series: string; values: string }
export interface ExpAlert { exp_labels: Record<string, string> }
export interface AlertCheck { eval_time: string; alertname: string; exp_alerts: ExpAlert[] }
export interface AlertCase {
  /** What the case shows, e.g. "fires: 10% errors for 7 minutes". */
  name: string;
  alert: string;
  interval?: string;
  input_series: Series[];
  checks: AlertCheck[];
}
