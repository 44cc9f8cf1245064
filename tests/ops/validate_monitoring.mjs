// Validates Prometheus Operator resources (ServiceMonitor, PodMonitor, PrometheusRule) against
// the schemas of their CRDs, as packaged by @kubernetes-models/prometheus-operator.
// Input on stdin: a JSON array of resources. Output: a JSON array of {kind, name, error|null}.
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";

const models = { ServiceMonitor, PodMonitor, PrometheusRule };
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((resource) => {
  const Model = models[resource.kind];
  const name = resource.metadata?.name;
  if (!Model || resource.apiVersion !== Model.apiVersion) {
    return { kind: resource.kind, name, error: `no model for ${resource.apiVersion} ${resource.kind}` };
  }
  try {
    new Model(resource).validate();
    return { kind: resource.kind, name, error: null };
  } catch (e) {
    return { kind: resource.kind, name, error: String(e.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(results));
