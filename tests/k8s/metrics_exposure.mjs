// The metrics port is reachable only by Prometheus: reads the DaemonSet
// and the NetworkPolicies of a directory of manifests and checks that
// - a NetworkPolicy selects the daemon's pods (its podSelector matches the
//   DaemonSet's pod labels) with policyTypes Ingress;
// - every ingress rule of it names its sources by pod or namespace
//   selector (no rule without `from`, no empty peer, no ipBlock: each
//   admits everyone or an address range) and opens only the metrics port;
// - the pods are not hostNetwork (a NetworkPolicy does not apply to them)
//   and declare no container port but the metrics one.
// Usage: node metrics_exposure.mjs FILE.yaml...; exit 1 on any problem.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.BPFWARDEN_NODE_MODULES ?? "node_modules";
const { parseAllDocuments } = await import(
  pathToFileURL(path.join(modules, "yaml/dist/index.js")).href);

const docs = process.argv.slice(2).flatMap((file) =>
  parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS()));
const daemonset = docs.find((d) => d?.kind === "DaemonSet");
const policies = docs.filter((d) => d?.kind === "NetworkPolicy");
const problems = [];
if (!daemonset) problems.push("no DaemonSet");

const pod = daemonset?.spec?.template ?? {};
const podLabels = pod.metadata?.labels ?? {};
const metricsPorts = new Set();
for (const c of pod.spec?.containers ?? []) {
  for (const p of c.ports ?? []) {
    if (p.name !== "metrics") {
      problems.push(`container ${c.name} declares port ${p.name ?? p.containerPort}, not the metrics one`);
    }
    metricsPorts.add(p.name).add(p.containerPort);
  }
}
if (pod.spec?.hostNetwork === true) {
  problems.push("the pods are hostNetwork: no NetworkPolicy applies to them");
}

const selects = (selector) =>
  !(selector?.matchExpressions?.length) &&
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v);
const guarding = policies.filter((p) => selects(p.spec?.podSelector));
if (guarding.length === 0) {
  problems.push("no NetworkPolicy selects the bpfwardend pods");
}
for (const p of guarding) {
  const name = `NetworkPolicy/${p.metadata?.name}`;
  if (!(p.spec?.policyTypes ?? []).includes("Ingress")) {
    problems.push(`${name}: policyTypes has no Ingress`);
  }
  for (const [i, rule] of (p.spec?.ingress ?? []).entries()) {
    const from = rule.from ?? [];
    if (from.length === 0) problems.push(`${name}: ingress[${i}] admits any source`);
    for (const peer of from) {
      if (peer.ipBlock) problems.push(`${name}: ingress[${i}] admits an ipBlock`);
      else if (!peer.podSelector && !peer.namespaceSelector) {
        problems.push(`${name}: ingress[${i}] has an empty peer (any source)`);
      } else if ([peer.podSelector, peer.namespaceSelector].every(
                   (s) => s === undefined ||
                          (!Object.keys(s.matchLabels ?? {}).length &&
                           !(s.matchExpressions ?? []).length))) {
        problems.push(`${name}: ingress[${i}] selects every pod of every namespace`);
      }
    }
    const ports = rule.ports ?? [];
    if (ports.length === 0) problems.push(`${name}: ingress[${i}] opens every port`);
    for (const port of ports) {
      if (!metricsPorts.has(port.port)) {
        problems.push(`${name}: ingress[${i}] opens port ${port.port}, not the metrics port`);
      }
    }
  }
}
for (const p of problems) console.log(`FAIL metrics exposure: ${p}`);
if (problems.length === 0) {
  console.log(`ok   metrics port reachable only through ${guarding.map((p) => p.metadata.name).join(", ")}`);
}
process.exit(problems.length ? 1 : 0);
