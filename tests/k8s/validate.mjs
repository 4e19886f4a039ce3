// Validates Kubernetes manifests offline: every YAML document against the
// Kubernetes OpenAPI schema (kubernetes-models' generated validators), then
// fields the schema does not name (a typo such as `securityContex` is
// silently dropped by the API server's default field validation; here it
// fails), then a few rules the API server itself enforces beyond the
// schema. Usage: node validate.mjs FILE.yaml...; exit 1 on any problem.
// NODE_PATH-free: run with the current directory's node_modules or
// BPFWARDEN_NODE_MODULES pointing at one.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.BPFWARDEN_NODE_MODULES ?? "node_modules";
const load = (spec) => import(pathToFileURL(path.join(modules, spec)).href);
const { parseAllDocuments } = await load("yaml/dist/index.js");

// --- Unknown fields, from the models' TypeScript declarations ----------

const interfaces = new Map();  // .d.ts file -> {props, imports, file}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}

// The first interface of a model's .d.ts: its properties' types by name.
function interfaceOf(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  let parsed = null;
  if (fs.existsSync(file)) {
    const text = stripComments(fs.readFileSync(file, "utf8"));
    const imports = new Map();
    for (const m of text.matchAll(/import \{([^}]+)\} from "([^"]+)"/g)) {
      for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
        const local = name.split(/\s+as\s+/).pop();
        imports.set(local, m[2]);
      }
    }
    const start = text.search(/export interface \w+[^{]*\{/);
    if (start >= 0) {
      const body = text.slice(text.indexOf("{", start) + 1);
      const props = new Map();
      let depth = 0, i = 0, name = null, typeStart = 0;
      for (; i < body.length; ++i) {
        const c = body[i];
        if (depth === 0 && c === "}") break;
        if (c === "{" || c === "<") ++depth;
        else if (c === "}" || c === ">") --depth;
        else if (depth === 0 && c === '"' && name === null) {
          const end = body.indexOf('"', i + 1);
          name = body.slice(i + 1, end);
          i = body.indexOf(":", end);
          typeStart = i + 1;
        } else if (depth === 0 && c === ";" && name !== null) {
          props.set(name, body.slice(typeStart, i).trim());
          name = null;
        }
      }
      parsed = { props, imports, file };
    }
  }
  interfaces.set(file, parsed);
  return parsed;
}

function resolveImport(fromFile, spec) {
  const dts = spec.replace(/\.js$/, "") + ".d.ts";
  if (spec.startsWith(".")) return path.resolve(path.dirname(fromFile), dts);
  return path.resolve(modules, dts);
}

// Problems of `value` against the TypeScript type `type` of `owner`.
function unknownFields(value, type, owner, where, out) {
  if (value === null || typeof value !== "object") return;
  const array = type.match(/^Array<(.+)>$/s);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((v, i) => unknownFields(v, array[1], owner, `${where}[${i}]`, out));
    }
    return;
  }
  if (!/^I\w+$/.test(type) || !owner.imports.has(type)) return;  // maps, scalars
  const iface = interfaceOf(resolveImport(owner.file, owner.imports.get(type)));
  if (iface === null) return;  // a type alias (IntOrString, Quantity, ...)
  checkObject(value, iface, where, out);
}

function checkObject(value, iface, where, out) {
  for (const [key, v] of Object.entries(value)) {
    if (!iface.props.has(key)) {
      out.push(`${where}.${key}: unknown field`);
      continue;
    }
    unknownFields(v, iface.props.get(key), iface, `${where}.${key}`, out);
  }
}

// --- Rules of the API server beyond the schema ---------------------------

function podSpecOf(doc) {
  if (doc.kind === "Pod") return doc.spec;
  return doc.spec?.template?.spec ?? doc.spec?.jobTemplate?.spec?.template?.spec;
}

function serverRules(doc, out) {
  const pod = podSpecOf(doc);
  if (!pod) return;
  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const added = sc.capabilities?.add ?? [];
    if (sc.allowPrivilegeEscalation === false &&
        (sc.privileged === true || added.includes("SYS_ADMIN") ||
         added.includes("CAP_SYS_ADMIN"))) {
      out.push(`container ${c.name}: allowPrivilegeEscalation: false with ` +
               "privileged or CAP_SYS_ADMIN is refused by the API server");
    }
    if (sc.privileged === true) {
      out.push(`container ${c.name}: privileged: true (name capabilities instead)`);
    }
    for (const m of c.volumeMounts ?? []) {
      if (!(pod.volumes ?? []).some((v) => v.name === m.name)) {
        out.push(`container ${c.name}: volumeMount ${m.name} names no volume`);
      }
      if (m.mountPropagation === "Bidirectional" && sc.privileged !== true) {
        out.push(`container ${c.name}: Bidirectional propagation needs privileged`);
      }
    }
  }
  const selector = doc.spec?.selector?.matchLabels;
  const labels = doc.spec?.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(selector ?? {})) {
    if (labels[k] !== v) out.push(`selector ${k}=${v} does not match the template's labels`);
  }
}

// --- bpfwarden's own rules -------------------------------------------------

// bpfwardend verifies a scoped administrator's objects on a thread with only
// CAP_BPF and CAP_NET_ADMIN effective: the container must have both.
function bpfwardenRules(doc, out) {
  const pod = podSpecOf(doc);
  for (const c of pod?.containers ?? []) {
    if (c.name !== "bpfwardend") continue;
    const add = c.securityContext?.capabilities?.add;
    if (add !== undefined && !Array.isArray(add)) continue;  // the schema's
    const added = (add ?? []).map((cap) => String(cap).replace(/^CAP_/, ""));
    for (const cap of ["BPF", "NET_ADMIN"]) {
      if (!added.includes(cap)) {
        out.push(`container ${c.name}: scoped administrators need CAP_BPF and ` +
                 `CAP_NET_ADMIN (capabilities.add lacks ${cap})`);
      }
    }
  }
}

// --- Driver ---------------------------------------------------------------

async function modelOf(doc) {
  const [group, version] = doc.apiVersion.includes("/")
    ? doc.apiVersion.split("/")
    : [null, doc.apiVersion];
  const dir = group === null ? version : `${group}/${version}`;
  const base = path.join("kubernetes-models", dir, doc.kind);
  const js = path.join(modules, base + ".js");
  if (!fs.existsSync(js)) return null;
  const module = await load(base + ".js");
  return { Model: module[doc.kind], dts: path.resolve(modules, base + ".d.ts") };
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(fs.readFileSync(file, "utf8"));
  for (const [n, d] of docs.entries()) {
    const problems = d.errors.map((e) => `YAML: ${e.message}`);
    const doc = problems.length ? null : d.toJS();
    let what = `document ${n}`;
    if (doc !== null) {
      if (!doc?.apiVersion || !doc?.kind) {
        problems.push("no apiVersion or kind");
      } else {
        what = `${doc.kind}/${doc.metadata?.name}`;
        const model = await modelOf(doc);
        if (model === null) {
          problems.push(`no schema for ${doc.apiVersion} ${doc.kind}`);
        } else {
          try {
            new model.Model(doc).validate();
          } catch (e) {
            problems.push(`schema: ${e.message}`);
          }
          const iface = interfaceOf(model.dts);
          const { apiVersion, kind, ...rest } = doc;
          checkObject(rest, iface, "", problems);
          serverRules(doc, problems);
          bpfwardenRules(doc, problems);
        }
      }
    }
    if (problems.length) {
      ++failed;
      for (const p of problems) console.log(`FAIL ${file} ${what}: ${p}`);
    } else {
      console.log(`ok   ${file} ${what}`);
    }
  }
}
process.exit(failed ? 1 : 0);
