#!/usr/bin/env node
// Regenerates schemas/k8s/ (see schemas/README.md) from the npm package kubernetes-models (pinned below in
// SOURCE, with every package whose code ends up in validators.js; not a dependency of this project, because
// kubernetes-models 5.x declares `engines: node >= 22` and `npm ci` would warn EBADENGINE on Node 20. The
// script only reads its files, so it runs on Node 20 too). The packages are installed on demand into
// .build/schema-source/ (never committed); KUBERNETES_MODELS_MODULES=<node_modules folder> uses another copy.
//   validators.js   the package's precompiled ajv validators (types, required fields, enums, formats) of
//                   every built-in kind in KINDS, bundled by esbuild into one CommonJS module; each kind's
//                   validator is initialized only when first used
//   fields.json     every property of every definition those kinds reach, read from the package's type
//                   declarations with the TypeScript compiler: the gate rejects any field not listed
//                   (the package's validators accept unknown fields)
// Run: node scripts/gen-k8s-schemas.js   (output is deterministic; commit it)
'use strict';
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'schemas', 'k8s');
/** The exact packages the committed schemas were generated from (schemas/k8s/packages.json lists the same). */
const SOURCE = [
  'kubernetes-models@5.1.0', '@kubernetes-models/validate@5.0.2', '@kubernetes-models/apimachinery@3.0.2',
  '@kubernetes-models/base@6.0.1', 'ajv@8.20.0', 'ajv-formats@3.0.1', 'ajv-formats-draft2019@1.6.1', 'ajv-i18n@4.2.0',
  'cidr-regex@5.0.5', 'extend@3.0.2', 'is-cidr@6.0.4', 'nearley@2.20.1', 'schemes@1.4.0', 'smtp-address-parser@1.1.1',
  'uri-js@4.4.1',
];

/** The node_modules folder holding SOURCE: installed once into .build/schema-source/ (npm registry). */
function sourceModules() {
  if (process.env.KUBERNETES_MODELS_MODULES) return path.resolve(process.env.KUBERNETES_MODELS_MODULES);
  const prefix = path.join(root, '.build', 'schema-source');
  const modules = path.join(prefix, 'node_modules');
  const have = (spec) => {
    const at = spec.lastIndexOf('@');
    try { return JSON.parse(fs.readFileSync(path.join(modules, spec.slice(0, at), 'package.json'), 'utf8')).version === spec.slice(at + 1); } catch { return false; }
  };
  if (!SOURCE.every(have)) {
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, 'package.json'), '{ "private": true }\n');
    process.stderr.write(`gen-k8s-schemas: installing ${SOURCE[0]} into ${path.relative(root, prefix)}/\n`);
    require('child_process').execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', '--engine-strict=false', ...SOURCE], { stdio: 'inherit' });
  }
  return modules;
}
const modulesDir = sourceModules();
const pkgDir = path.join(modulesDir, 'kubernetes-models');

/** Built-in kinds the gate knows; any other built-in kind in the output is a finding (add it here). */
const KINDS = [
  'v1/ConfigMap', 'v1/Endpoints', 'v1/LimitRange', 'v1/Namespace', 'v1/PersistentVolumeClaim', 'v1/Pod',
  'v1/ResourceQuota', 'v1/Secret', 'v1/Service', 'v1/ServiceAccount',
  'apps/v1/DaemonSet', 'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet',
  'autoscaling/v1/HorizontalPodAutoscaler', 'autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1/CronJob', 'batch/v1/Job',
  'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1/NetworkPolicy',
  'policy/v1/PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'scheduling.k8s.io/v1/PriorityClass', 'storage.k8s.io/v1/StorageClass',
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
];

/** The `_schemas/<Name>` module a kind's class file validates with. */
function schemaModuleOf(kind) {
  const src = fs.readFileSync(path.join(pkgDir, `${kind}.js`), 'utf8');
  const m = /from"\.\.\/(?:\.\.\/)?_schemas\/(\w+)\.js"/.exec(src) || /from"\.\/_schemas\/(\w+)\.js"/.exec(src);
  if (!m) throw new Error(`no validator import in kubernetes-models/${kind}.js`);
  return m[1];
}

// 1. validators.js
// require() inside a function: esbuild then initializes each validator module only when it is first used.
const entry = [
  'exports.validators = {',
  ...KINDS.map((k) => `  ${JSON.stringify(k)}: () => require(${JSON.stringify(path.join(pkgDir, '_schemas', `${schemaModuleOf(k)}.js`))}).validate,`),
  '};',
].join('\n');
fs.mkdirSync(out, { recursive: true });
const built = esbuild.buildSync({
  stdin: { contents: entry, resolveDir: root, sourcefile: 'k8s-validators-entry.js', loader: 'js' },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, legalComments: 'eof', metafile: true,
  minify: true, logLevel: 'warning',
  banner: { js: '// Generated by scripts/gen-k8s-schemas.js from kubernetes-models (MIT, see schemas/README.md). Do not edit.' },
});
fs.writeFileSync(path.join(out, 'validators.js'), built.outputFiles[0].text);
// packages.json: every npm package whose code is in validators.js, with its version and licence
const pkgs = new Map();
for (const input of Object.keys(built.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.split('node_modules/').slice(0, -1).length ? input.slice(input.lastIndexOf('node_modules/')) : '');
  if (!m) continue;
  const dir = input.slice(0, input.lastIndexOf('node_modules/')) + `node_modules/${m[1]}`;
  const pj = JSON.parse(fs.readFileSync(path.resolve(root, dir, 'package.json'), 'utf8'));
  pkgs.set(`${pj.name}@${pj.version}`, { name: pj.name, version: pj.version, license: pj.license ?? null });
}
fs.writeFileSync(path.join(out, 'packages.json'), `${JSON.stringify([...pkgs.values()].sort((a, b) => a.name.localeCompare(b.name)), null, 2)}\n`);
// validators.d.ts is kept by hand next to it (its shape never changes).

// 2. fields.json
const host = ts.createCompilerHost({});
const rootFiles = KINDS.map((k) => path.join(pkgDir, `${k}.d.ts`));
const program = ts.createProgram(rootFiles, { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true }, host);
const checker = program.getTypeChecker();
const defs = {};
const roots = {};

/** A field's type as the gate walks it: null = a leaf (scalar, enum, int-or-string, free-form), else a def name, or {items}/{values}. */
function describe(type) {
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
    const objs = parts.filter((t) => t.flags & ts.TypeFlags.Object);
    if (objs.length === 1 && parts.length === 1) return describe(objs[0]);
    return null; // enums (string literal unions), IntOrString (number | string), ...
  }
  if (!(type.flags & ts.TypeFlags.Object)) return null;
  if (checker.isArrayType(type)) return { items: describe(checker.getTypeArguments(type)[0]) };
  const props = checker.getPropertiesOfType(type);
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  if (index && props.length === 0) return { values: describe(index.type) };
  if (props.length === 0) return null; // free-form (RawExtension, JSON)
  const decl = (type.aliasSymbol || type.symbol)?.declarations?.[0];
  const file = decl ? path.relative(modulesDir, decl.getSourceFile().fileName).replace(/\.d\.ts$/, '') : '?';
  const symbolName = (type.aliasSymbol || type.symbol).name;
  const short = file.replace(/^kubernetes-models\//, '').replace(/^@kubernetes-models\/apimachinery\//, 'apimachinery/');
  const name = symbolName === `I${path.basename(file)}` ? short : `${short}#${symbolName}`;
  if (!(name in defs)) {
    defs[name] = null; // cycles (JSONSchemaProps) end here
    const fields = {};
    for (const p of props.sort((a, b) => a.name.localeCompare(b.name))) {
      fields[p.name] = describe(checker.getTypeOfSymbol(p));
    }
    defs[name] = fields;
  }
  return name;
}

for (const k of KINDS) {
  const sf = program.getSourceFile(path.join(pkgDir, `${k}.d.ts`));
  const kindName = k.split('/').pop();
  const iface = sf.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === `I${kindName}`);
  if (!iface) throw new Error(`no interface I${kindName} in ${k}.d.ts`);
  const type = checker.getTypeAtLocation(iface.name);
  const name = `${k}`;
  const fields = {};
  for (const p of checker.getPropertiesOfType(type).sort((a, b) => a.name.localeCompare(b.name))) fields[p.name] = describe(checker.getTypeOfSymbol(p));
  defs[name] = fields;
  roots[k] = name;
}
const sorted = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k]]));
const version = require(path.join(pkgDir, 'package.json')).version;
fs.writeFileSync(path.join(out, 'fields.json'), `${JSON.stringify({ source: `kubernetes-models@${version}`, kinds: KINDS, defs: sorted })}\n`);
process.stdout.write(`gen-k8s-schemas: ${KINDS.length} kinds, ${Object.keys(defs).length} definitions, validators.js ${built.outputFiles[0].text.length} bytes\n`);
