/**
 * Validation of deploy/ without a cluster: every YAML file parses; every resource (as written and as
 * each overlay renders it with `kubectl kustomize`) validates, core kinds with kubernetes-models and
 * ScaledObjects against KEDA's CRD schema with unknown fields rejected.
 */
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Namespace, ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import {
  buildKustomization,
  components,
  deployDir,
  findKubectl,
  kustomizations,
  parseYamlFile,
  rel,
  yamlFiles,
  type K8sObject,
} from './manifests.js';

const validators: Record<string, (object: K8sObject) => void> = {
  'v1/Namespace': (object) => new Namespace(object).validate(),
  'v1/ConfigMap': (object) => new ConfigMap(object).validate(),
  'v1/Service': (object) => new Service(object).validate(),
  'apps/v1/Deployment': (object) => new Deployment(object).validate(),
  'policy/v1/PodDisruptionBudget': (object) => new PodDisruptionBudget(object).validate(),
  'networking.k8s.io/v1/Ingress': (object) => new Ingress(object).validate(),
};

/** KEDA's ScaledObject schema with `additionalProperties: false` wherever it lists properties. */
function scaledObjectValidator(): ValidateFunction {
  const [crd] = parseYamlFile(join(deployDir, 'reference', 'keda.sh_scaledobjects.yaml'));
  const versions = (
    crd as { spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] } }
  ).spec.versions;
  const schema = versions.find((version) => version.name === 'v1alpha1')?.schema.openAPIV3Schema;
  if (schema === undefined) throw new Error('the CRD has no v1alpha1 schema');
  const strict = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strict);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node))
      copy[key] =
        key === 'properties'
          ? Object.fromEntries(Object.entries(value as object).map(([name, sub]) => [name, strict(sub)]))
          : strict(value);
    if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
    return copy;
  };
  // apiVersion, kind and metadata are checked by the API server, not the CRD schema: allow them.
  const root = strict(schema) as { properties: Record<string, unknown> };
  root.properties.metadata = { type: 'object' };
  return new Ajv({ strict: false, allErrors: true }).compile(root);
}

const validateScaledObject = scaledObjectValidator();

function validate(object: K8sObject): void {
  if (object.kind === 'ScaledObject') {
    if (object.apiVersion !== 'keda.sh/v1alpha1' || !validateScaledObject(object)) {
      throw new Error(`ScaledObject ${object.metadata.name}: ${JSON.stringify(validateScaledObject.errors)}`);
    }
    return;
  }
  if (object.kind === 'Kustomization' || object.kind === 'Component') return;
  const validator = validators[`${object.apiVersion}/${object.kind}`];
  if (validator === undefined)
    throw new Error(`no validator for ${object.apiVersion} ${object.kind}: add one`);
  validator(object);
}

/** Files named under `patches` of a kustomization: partial objects, validated once merged. */
function patchFiles(): Set<string> {
  const patches = new Set<string>();
  for (const dir of [...kustomizations(), ...components()]) {
    const [kustomization] = parseYamlFile(join(dir, 'kustomization.yaml')) as {
      patches?: { path?: string }[];
    }[];
    for (const patch of kustomization?.patches ?? [])
      if (patch.path !== undefined) patches.add(join(dir, patch.path));
  }
  return patches;
}

describe('deploy/ manifests', () => {
  const files = yamlFiles();

  it('finds the base, the overlays and their files', () => {
    expect(files.length).toBeGreaterThan(15);
    const variants = ['aws-alb', 'cluster-redis', 'keda-external', 'keda-metrics-api', 'keda-prometheus'];
    expect(kustomizations().map(rel).sort()).toEqual(
      ['base', ...variants.map((v) => `overlays/${v}`), 'overlays/production-aws']
        .map((dir) => `deploy/kustomize/${dir}`)
        .sort(),
    );
    // Every component has an overlay of its own, so the rendering tests cover each one.
    expect(components().map(rel).sort()).toEqual(variants.map((v) => `deploy/kustomize/components/${v}`));
  });

  it('parses every YAML file', () => {
    for (const file of files) expect(parseYamlFile(file).length, rel(file)).toBeGreaterThan(0);
  });

  it('validates every resource as written (patches excepted)', () => {
    const patches = patchFiles();
    let validated = 0;
    for (const file of files.filter((f) => !patches.has(f) && !f.includes('/reference/'))) {
      for (const object of parseYamlFile(file) as K8sObject[]) {
        expect(() => {
          validate(object);
        }, rel(file)).not.toThrow();
        validated++;
      }
    }
    expect(validated).toBeGreaterThan(15);
  });

  it('rejects what the schemas forbid: an unknown ScaledObject field, a wrong type in a Deployment', () => {
    const [scaledObject] = parseYamlFile(
      join(deployDir, 'kustomize/components/keda-external/scaledobject.yaml'),
    ) as K8sObject[];
    const typo = structuredClone(scaledObject) as K8sObject & { spec: Record<string, unknown> };
    typo.spec.minReplicas = 1;
    expect(() => {
      validate(typo);
    }).toThrow(/additionalProperties/);
    const badTrigger = structuredClone(scaledObject) as K8sObject & {
      spec: { triggers: Record<string, unknown>[] };
    };
    delete badTrigger.spec.triggers[0]?.type;
    expect(() => {
      validate(badTrigger);
    }).toThrow(/type/);
    const [deployment] = parseYamlFile(
      join(deployDir, 'kustomize/base/gateway-deployment.yaml'),
    ) as K8sObject[];
    const wrong = structuredClone(deployment) as K8sObject & { spec: Record<string, unknown> };
    wrong.spec.replicas = 'three';
    expect(() => {
      validate(wrong);
    }).toThrow(/replicas/);
  });
});

const kubectl = findKubectl();
const ci = process.env.CI === 'true';

if (kubectl === undefined && ci) {
  describe('kubectl kustomize', () => {
    it('needs kubectl on the PATH under CI (this machine kind has it: /usr/bin/kubectl)', () => {
      expect(kubectl, 'kubectl is not on the PATH').toBeDefined();
    });
  });
}

describe.skipIf(kubectl === undefined)(
  `kubectl kustomize builds every overlay${kubectl === undefined ? ' (skipped: kubectl is not on the PATH)' : ''}`,
  () => {
    for (const dir of kustomizations()) {
      it(`${rel(dir)} builds, and every object it renders validates`, () => {
        const objects = buildKustomization(kubectl ?? 'kubectl', dir);
        expect(objects.length).toBeGreaterThan(5);
        for (const object of objects) {
          expect(
            object.metadata.namespace ?? (object.kind === 'Namespace' ? 'switchboard' : undefined),
            `${object.kind} ${object.metadata.name}`,
          ).toBe('switchboard');
          expect(() => {
            validate(object);
          }, `${object.kind} ${object.metadata.name}`).not.toThrow();
        }
      });
    }
  },
);
