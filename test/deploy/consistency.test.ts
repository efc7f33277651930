/**
 * deploy/ agrees with itself and with the code: the gateway config in the ConfigMap is valid for the
 * real schema; images, ports, probes, labels and selectors match across files and Dockerfiles;
 * ScaledObjects point at things that exist and ask for metrics the scaler serves; grace periods,
 * preStop and the drain settings fit together (docs/kubernetes.md, "Timing").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envVarTable } from '../../packages/gateway/src/config/env.js';
import { configSchema, type Config } from '../../packages/gateway/src/config/schema.js';
import { parseScalerMetadata } from '../../packages/gateway/src/scaler/scaler-metadata.js';
import {
  at,
  buildKustomization,
  deployDir,
  findKubectl,
  kustomizations,
  named,
  ofKind,
  rel,
  repoRoot,
  selects,
  type K8sObject,
} from './manifests.js';

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}

function containers(deployment: K8sObject): Container[] {
  return at(deployment, 'spec.template.spec.containers') as Container[];
}

function portNumber(container: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}

function argValue(args: readonly string[] | undefined, flag: string): string | undefined {
  const index = args?.indexOf(flag) ?? -1;
  return index === -1 ? undefined : args?.[index + 1];
}

function dockerfile(name: string): string {
  return readFileSync(join(deployDir, 'docker', `${name}.Dockerfile`), 'utf8');
}

const kubectl = findKubectl();
const ci = process.env.CI === 'true';
const builds =
  kubectl === undefined
    ? []
    : kustomizations().map((dir) => ({ dir: rel(dir), objects: buildKustomization(kubectl, dir) }));

describe.skipIf(kubectl === undefined && !ci)(
  `deploy/ consistency${kubectl === undefined ? ' (skipped: kubectl is not on the PATH to render the overlays)' : ''}`,
  () => {
    it('has kubectl to render the overlays', () => {
      expect(kubectl).toBeDefined();
    });

    for (const { dir, objects } of builds) {
      describe(dir, () => {
        const gateway = named(objects, 'Deployment', 'switchboard-gateway');
        const [gatewayContainer] = containers(gateway);
        const configMap = named(objects, 'ConfigMap', 'switchboard-gateway-config');
        const config: Config = configSchema.parse(
          parse((configMap.data as Record<string, string>)['switchboard.yml'] ?? ''),
        );

        it('mounts a gateway config the real schema accepts, and sets only SWITCHBOARD_* variables that exist', () => {
          const volumes = at(gateway, 'spec.template.spec.volumes') as { configMap?: { name: string } }[];
          expect(volumes.some((volume) => volume.configMap?.name === configMap.metadata.name)).toBe(true);
          expect(gatewayContainer?.args).toEqual(['gateway', '--config', '/etc/switchboard/switchboard.yml']);
          const known = new Set(envVarTable().map((entry) => entry.env));
          for (const { name } of gatewayContainer?.env ?? [])
            if (name.startsWith('SWITCHBOARD_')) expect(known.has(name), name).toBe(true);
        });

        it('gives every Deployment a selector its pod labels satisfy, and every Service and PDB a Deployment to select', () => {
          const deployments = ofKind(objects, 'Deployment');
          for (const deployment of deployments) {
            expect(
              selects(
                at(deployment, 'spec.selector.matchLabels') as Record<string, string>,
                at(deployment, 'spec.template.metadata.labels') as Record<string, string>,
              ),
              deployment.metadata.name,
            ).toBe(true);
          }
          const podLabels = (deployment: K8sObject) =>
            at(deployment, 'spec.template.metadata.labels') as Record<string, string>;
          for (const service of ofKind(objects, 'Service')) {
            const target = deployments.find((deployment) =>
              selects(at(service, 'spec.selector') as Record<string, string>, podLabels(deployment)),
            );
            expect(target, `Service ${service.metadata.name}`).toBeDefined();
            if (target === undefined) continue;
            const ports = containers(target).flatMap((container) => container.ports ?? []);
            for (const port of at(service, 'spec.ports') as { name: string; targetPort: string | number }[]) {
              expect(
                ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
                `Service ${service.metadata.name} port ${port.name}`,
              ).toBe(true);
            }
          }
          for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
            expect(
              deployments.some((deployment) =>
                selects(
                  at(pdb, 'spec.selector.matchLabels') as Record<string, string>,
                  podLabels(deployment),
                ),
              ),
              pdb.metadata.name,
            ).toBe(true);
          }
        });

        it('routes the Ingress to the gateway WebSocket port, and the gateway listens where its Service and Dockerfile say', () => {
          for (const ingress of ofKind(objects, 'Ingress')) {
            const backend = at(ingress, 'spec.rules.0.http.paths.0.backend.service') as {
              name: string;
              port: { name: string };
            };
            const service = named(objects, 'Service', backend.name);
            const servicePort = (at(service, 'spec.ports') as { name: string; targetPort: string }[]).find(
              (p) => p.name === backend.port.name,
            );
            expect(servicePort?.targetPort).toBe('ws');
          }
          expect(gatewayContainer && portNumber(gatewayContainer, 'ws')).toBe(config.listen.port);
          expect(gatewayContainer && portNumber(gatewayContainer, 'admin')).toBe(config.admin.port);
          expect(gatewayContainer && portNumber(gatewayContainer, 'scaler')).toBe(config.scaler.port);
          expect(config.admin.host).toBe('0.0.0.0');
          expect(config.scaler.host).toBe('0.0.0.0');
          expect(config.scaler.enabled).toBe(true);
          const exposed = /^EXPOSE (.+)$/m.exec(dockerfile('gateway'))?.[1]?.split(/\s+/).map(Number);
          expect(exposed?.sort()).toEqual([config.listen.port, config.admin.port, config.scaler.port].sort());
          expect(dockerfile('gateway')).toContain(`http://127.0.0.1:${String(config.admin.port)}/healthz`);
        });

        it('probes the gateway on /readyz and /healthz of its admin port, and the backend on its own port', () => {
          expect(gatewayContainer?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'admin' });
          expect(gatewayContainer?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'admin' });
          const [backendContainer] = containers(named(objects, 'Deployment', 'sample-backend'));
          const backendPort = Number(argValue(backendContainer?.args, '--port'));
          expect(backendContainer && portNumber(backendContainer, 'http')).toBe(backendPort);
          expect(backendContainer?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
          expect(backendContainer?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
          expect(/^EXPOSE (.+)$/m.exec(dockerfile('backend'))?.[1]).toBe(String(backendPort));
          expect(dockerfile('backend')).toContain(`http://127.0.0.1:${String(backendPort)}/healthz`);
          const service = named(objects, 'Service', 'sample-backend');
          expect(at(service, 'spec.type')).toBe('NodePort');
          const servicePort = at(service, 'spec.ports.0.port') as number;
          for (const integration of Object.values(config.integrations)) {
            expect(new URL(integration.uri ?? '').host).toBe(
              `sample-backend.switchboard.svc.cluster.local:${String(servicePort)}`,
            );
          }
        });

        it('uses the images kustomize pins and the Dockerfiles build', () => {
          const images = ofKind(objects, 'Deployment').flatMap((deployment) =>
            containers(deployment).map((container) => container.image),
          );
          expect(images).toContain('switchboard/gateway:0.1.0');
          expect(images).toContain('switchboard/sample-backend:0.1.0');
          expect(dockerfile('gateway')).toContain('switchboard/gateway:0.1.0');
          expect(dockerfile('backend')).toContain('switchboard/sample-backend:0.1.0');
        });

        it('gives the gateway a grace period that covers preStop, drainMs and disconnectFlushMs, and the backend one that covers its drain delay and the longest call', () => {
          const preStop = gatewayContainer?.lifecycle?.preStop?.exec?.command ?? [];
          expect(preStop[0]).toBe('sleep');
          const preStopSeconds = Number(preStop[1]);
          const needed =
            preStopSeconds + (config.shutdown.drainMs + config.shutdown.disconnectFlushMs) / 1000;
          expect(
            at(gateway, 'spec.template.spec.terminationGracePeriodSeconds') as number,
          ).toBeGreaterThanOrEqual(needed + 5);
          const backend = named(objects, 'Deployment', 'sample-backend');
          const [backendContainer] = containers(backend);
          const drainDelaySeconds = Number(argValue(backendContainer?.args, '--drain-delay-ms')) / 1000;
          const longestCall =
            Math.max(...Object.values(config.integrations).map((integration) => integration.timeoutMs)) /
            1000;
          expect(drainDelaySeconds).toBeGreaterThanOrEqual(5);
          expect(
            at(backend, 'spec.template.spec.terminationGracePeriodSeconds') as number,
          ).toBeGreaterThanOrEqual(drainDelaySeconds + longestCall + 5);
          for (const ingress of ofKind(objects, 'Ingress')) {
            const attributes =
              ingress.metadata.annotations?.['alb.ingress.kubernetes.io/target-group-attributes'];
            if (attributes === undefined) continue;
            const delay = Number(/deregistration_delay\.timeout_seconds=(\d+)/.exec(attributes)?.[1]);
            expect(delay).toBeLessThanOrEqual(preStopSeconds + config.shutdown.drainMs / 1000);
            expect(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-port']).toBe(
              String(config.admin.port),
            );
            expect(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/healthcheck-path']).toBe(
              '/readyz',
            );
          }
        });

        it('keeps backend sessions in the shared Redis, and points every Redis URL at its Service', () => {
          const redis = named(objects, 'Service', 'switchboard-redis');
          const redisUrl = `redis://${redis.metadata.name}.${redis.metadata.namespace ?? ''}.svc.cluster.local:${String(at(redis, 'spec.ports.0.port'))}`;
          const [backendContainer] = containers(named(objects, 'Deployment', 'sample-backend'));
          const env = new Map((backendContainer?.env ?? []).map((e) => [e.name, e.value]));
          // A backend scaled to several replicas needs a store they share: not memory, not a pod-local SQLite file.
          expect(env.get('SESSION_STORE')).toBe('redis');
          expect(env.get('REDIS_URL')).toBe(redisUrl);
          const clusterUrl = gatewayContainer?.env?.find(
            (e) => e.name === 'SWITCHBOARD_CLUSTER_REDIS_URL',
          )?.value;
          if (clusterUrl !== undefined) expect(clusterUrl).toBe(redisUrl);
        });

        it('gives every container with a read-only root filesystem a writable /tmp', () => {
          for (const deployment of ofKind(objects, 'Deployment')) {
            for (const container of containers(deployment) as (Container & {
              securityContext?: { readOnlyRootFilesystem?: boolean };
              volumeMounts?: { mountPath: string }[];
            })[]) {
              if (container.securityContext?.readOnlyRootFilesystem !== true) continue;
              expect(
                container.volumeMounts?.some((mount) => mount.mountPath === '/tmp'),
                `${deployment.metadata.name}/${container.name}`,
              ).toBe(true);
            }
          }
        });

        it('points every ScaledObject at a Deployment it renders and at metrics the gateway serves', () => {
          const gatewayService = named(objects, 'Service', 'switchboard-gateway');
          const servicePort = (name: string) =>
            (at(gatewayService, 'spec.ports') as { name: string; port: number }[]).find(
              (p) => p.name === name,
            )?.port;
          const gatewayHost = `${gatewayService.metadata.name}.${gatewayService.metadata.namespace ?? ''}.svc.cluster.local`;
          const example = {
            connections: 1,
            messagesPerSecond: 1,
            stages: Object.fromEntries(
              config.api.stages.map((stage) => [stage, { connections: 1, messagesPerSecond: 1 }]),
            ),
          };
          for (const scaledObject of ofKind(objects, 'ScaledObject')) {
            named(objects, 'Deployment', at(scaledObject, 'spec.scaleTargetRef.name') as string);
            if (at(scaledObject, 'spec.minReplicaCount') === 0) {
              // Only the external scaler sees `$connect` attempts, which is what brings a backend back from zero.
              const triggers = at(scaledObject, 'spec.triggers') as {
                type: string;
                metadata: Record<string, string>;
              }[];
              const wakes = triggers.some(
                (t) =>
                  t.type === 'external-push' &&
                  (t.metadata.metric ?? 'connections') === 'connections' &&
                  Number(t.metadata.activationTargetValue ?? '0') === 0,
              );
              expect(
                wakes,
                `${scaledObject.metadata.name}: minReplicaCount 0 needs an external-push connections trigger`,
              ).toBe(true);
            }
            for (const trigger of at(scaledObject, 'spec.triggers') as {
              type: string;
              metadata: Record<string, string>;
            }[]) {
              if (trigger.type === 'external' || trigger.type === 'external-push') {
                expect(trigger.metadata.scalerAddress).toBe(
                  `${gatewayHost}:${String(servicePort('scaler'))}`,
                );
                expect(() => parseScalerMetadata(trigger.metadata, config.api.stages)).not.toThrow();
              } else if (trigger.type === 'metrics-api') {
                expect(trigger.metadata.url).toBe(
                  `http://${gatewayHost}:${String(servicePort('admin'))}/scaling/figures`,
                );
                expect(
                  typeof at(example, trigger.metadata.valueLocation ?? ''),
                  trigger.metadata.valueLocation,
                ).toBe('number');
              } else if (trigger.type === 'prometheus') {
                expect(trigger.metadata.query).toMatch(
                  /^sum\(switchboard_(open_connections|messages_per_second)\{stage="[^"]+"\}\)$/,
                );
                const stage = /stage="([^"]+)"/.exec(trigger.metadata.query ?? '')?.[1] ?? '';
                expect(config.api.stages).toContain(stage);
                expect(gateway.metadata.name).toBe('switchboard-gateway');
                expect(at(gateway, 'spec.template.metadata.annotations')).toMatchObject({
                  'prometheus.io/scrape': 'true',
                  'prometheus.io/port': String(config.admin.port),
                  'prometheus.io/path': '/metrics',
                });
              } else {
                throw new Error(`unexpected trigger type ${trigger.type}`);
              }
            }
          }
        });
      });
    }
  },
);

describe('Dockerfiles', () => {
  for (const name of ['gateway', 'backend']) {
    it(`${name}: multi-stage, non-root, with a HEALTHCHECK and an entry point that the build produces`, () => {
      const text = dockerfile(name);
      expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      expect(text).toMatch(/^FROM node:20\.\d+-bookworm AS build$/m);
      // The runtime stage is the slim image of the same Node and Debian release.
      expect(text).toMatch(/^FROM node:20\.\d+-bookworm-slim$/m);
      expect(text).toMatch(/^USER node$/m);
      expect(text).toMatch(/^HEALTHCHECK /m);
      const entry = /^ENTRYPOINT \["node", "([^"]+)"\]$/m.exec(text)?.[1] ?? '';
      const source = entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(() => readFileSync(join(repoRoot, source))).not.toThrow();
    });
  }
});
