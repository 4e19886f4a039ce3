#!/usr/bin/env bash
# deploy/k8s offline (no cluster or container engine here):
# 1. every manifest validates against the Kubernetes schema, names no
#    unknown field and passes the API server's own extra rules
#    (validate.mjs, with the npm packages tools/setup installs);
# 2. broken copies of the DaemonSet (a typo'd field, a wrong type, a
#    missing required field, a YAML error, privileged, an escalation rule,
#    a selector mismatch) each fail with the expected message;
# 3. only Prometheus reaches the metrics port (metrics_exposure.mjs: a
#    NetworkPolicy selecting the daemon's pods, sources named by selector,
#    only the metrics port), and broken copies of it fail;
# 4. the ConfigMap carries deploy/config/bpfwarden.textproto byte for byte
#    (which //tests/core:deploy_config_test parses);
# 5. the Containerfile installs the Debian package of every shared library
#    the binaries load.
set -euo pipefail
runfiles=${RUNFILES_DIR:-$0.runfiles}/bpfwarden
modules=${BPFWARDEN_NODE_MODULES:-/opt/bpfwarden/k8s-validate/node_modules}
if [[ ! -d $modules/kubernetes-models ]]; then
  echo "FAIL: $modules has no kubernetes-models: run tools/setup (it installs tests/k8s/npm there)"
  exit 1
fi
export BPFWARDEN_NODE_MODULES=$modules
validate() { node "$runfiles/tests/k8s/validate.mjs" "$@"; }
fail=0
k8s=$runfiles/deploy/k8s

echo "== the manifests"
(cd "$k8s" && validate *.yaml) || fail=1

echo "== broken copies must fail"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# name | sed expression on daemonset.yaml | text the failure must show
cases=(
  "typo|s/^          securityContext:/          securityContex:/|securityContex: unknown field"
  "type|s/containerPort: 9469/containerPort: ninety/|must be integer"
  "caps|s/add: \[SYS_ADMIN, BPF, NET_ADMIN\]/add: SYS_ADMIN/|capabilities/add must be array"
  "scoped|s/add: \[SYS_ADMIN, BPF, NET_ADMIN\]/add: [SYS_ADMIN]/|scoped administrators need CAP_BPF and CAP_NET_ADMIN"
  "required|/^  selector:\$/,/^      app.kubernetes.io\/name: bpfwardend\$/d|must have required property selector"
  "yaml|s/^            - name: bpffs/            - name: [bpffs/|YAML:"
  "privileged|s/privileged: false/privileged: true/|privileged: true"
  "escalation|s/privileged: false/privileged: false\n            allowPrivilegeEscalation: false/|refused by the API server"
  "selector|0,/^        app.kubernetes.io\/name: bpfwardend/s//        app.kubernetes.io\/name: other/|does not match"
  "mount|s/mountPath: \/boot/mountPath: \/boot\n            - name: nowhere\n              mountPath: \/x/|names no volume"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name expr want <<<"$c"
  sed -e "$expr" "$k8s/daemonset.yaml" >"$tmp/$name.yaml"
  if cmp -s "$tmp/$name.yaml" "$k8s/daemonset.yaml"; then
    echo "FAIL broken/$name: the mutation changed nothing"; fail=1; continue
  fi
  if out=$(validate "$tmp/$name.yaml"); then
    echo "FAIL broken/$name validated:"; echo "$out"; fail=1
  elif grep -qF -- "$want" <<<"$out"; then
    echo "ok   broken/$name refused: $(grep -F -- "$want" <<<"$out" | head -1 | sed "s/.*$name.yaml //")"
  else
    echo "FAIL broken/$name refused without \"$want\":"; echo "$out"; fail=1
  fi
done

echo "== only Prometheus reaches the metrics port"
exposure() { node "$runfiles/tests/k8s/metrics_exposure.mjs" "$@"; }
(cd "$k8s" && exposure *.yaml) || fail=1
# name | file | sed expression | text the failure must show
peer='/^        - namespaceSelector:$/,/^              app.kubernetes.io\/name: prometheus$/c'
exposure_cases=(
  "any-peer|networkpolicy.yaml|${peer}\\        - {}|empty peer (any source)"
  "ip-block|networkpolicy.yaml|${peer}\\        - ipBlock: {cidr: 0.0.0.0/0}|admits an ipBlock"
  "no-ports|networkpolicy.yaml|/^      ports:$/,\$d|opens every port"
  "other-port|networkpolicy.yaml|s/- port: metrics/- port: 22/|opens port 22"
  "other-pods|networkpolicy.yaml|s/name: bpfwardend$/name: other/|no NetworkPolicy selects"
  "egress-only|networkpolicy.yaml|s/- Ingress/- Egress/|policyTypes has no Ingress"
  "host-network|daemonset.yaml|s/hostNetwork: false/hostNetwork: true/|hostNetwork"
)
for c in "${exposure_cases[@]}"; do
  IFS='|' read -r name file expr want <<<"$c"
  mkdir -p "$tmp/exposure-$name"
  cp "$k8s/daemonset.yaml" "$k8s/networkpolicy.yaml" "$tmp/exposure-$name/"
  sed -e "$expr" "$k8s/$file" >"$tmp/exposure-$name/$file"
  if cmp -s "$tmp/exposure-$name/$file" "$k8s/$file"; then
    echo "FAIL exposure/$name: the mutation changed nothing"; fail=1; continue
  fi
  if out=$(cd "$tmp/exposure-$name" && exposure *.yaml); then
    echo "FAIL exposure/$name passed:"; echo "$out"; fail=1
  elif grep -qF -- "$want" <<<"$out"; then
    echo "ok   exposure/$name refused: $(grep -F -- "$want" <<<"$out" | head -1)"
  else
    echo "FAIL exposure/$name refused without \"$want\":"; echo "$out"; fail=1
  fi
done

echo "== the ConfigMap is deploy/config/bpfwarden.textproto"
node --input-type=module -e "
  import fs from 'node:fs';
  import { pathToFileURL } from 'node:url';
  const { parse } = await import(pathToFileURL('$modules/yaml/dist/index.js').href);
  const cm = parse(fs.readFileSync('$k8s/configmap.yaml', 'utf8'));
  const want = fs.readFileSync('$runfiles/deploy/config/bpfwarden.textproto', 'utf8');
  if (cm.data['bpfwarden.textproto'] !== want) { console.log('FAIL: they differ'); process.exit(1); }
  console.log('ok   identical');
" || fail=1

echo "== the Containerfile's packages cover the binaries' libraries"
libs_fail=0
packages=$(sed -n '/apt-get install/,/rm -rf/p' "$k8s/Containerfile" | tr ' \\' '\n\n')
for bin in "$runfiles/daemon/bpfwardend" "$runfiles/client/bpfwarden" \
  "$runfiles/deploy/k8s/bpfwarden-health"; do
  for lib in $(ldd "$bin" | awk '$3 ~ /^\// {print $3}'); do
    real=$(readlink -f "$lib")
    pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || true)
    pkg=${pkg%%:*}
    if [[ -z $pkg ]]; then
      echo "FAIL $(basename "$bin"): no Debian package owns $real"; libs_fail=1; continue
    fi
    grep -qx "$pkg" <<<"$packages" && continue
    echo "FAIL $(basename "$bin") needs $real from $pkg, which the Containerfile does not install"
    libs_fail=1
  done
done
if ((libs_fail)); then fail=1; else echo "ok   every library's package is installed"; fi

exit "$fail"
