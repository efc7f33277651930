/**
 * Micro-benchmarks of the per-message steps an optimisation changed, in this one process: the
 * MESSAGE Lambda event's JSON as the bytes of a request of its own; an AWS_PROXY integration's
 * event batcher (each event's JSON written into the batch body, 38 events a batch,
 * the average batch at 100 connections on the reference machine); the sample backend's session
 * count (one increment in the memory store); and the sample backend's answer to such a batch
 * (`POST /events` without HTTP: parse, handlers, results). Each prints the fastest and the median of
 * 12 rounds in ns per step. `npm run bench:micro`.
 */
import { AwsProxyEventEncoder, EventBatcher, type ApiIdentity, type IntegrationEvent } from '@switchboard/gateway/internal';
import {
  createConsoleLogger,
  DEFAULT_SESSION_TTL_SECONDS,
  handleLambdaEvents,
  sampleEventHandlers,
  Sessions,
} from '@switchboard/sample-backend';
import { createSessionStore } from '@switchboard/session-store';

const ROUNDS = 12;
const CONNECTIONS = 100;

/** Runs `step(i)` `perRound` times per round; returns min and median ns per step. */
async function measure(perRound: number, step: (i: number) => unknown): Promise<{ min: number; median: number }> {
  const warm = Math.max(1, Math.floor(perRound / 5));
  for (let i = 0; i < warm; i++) await step(i);
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) await step(i);
    rounds.push(Number(process.hrtime.bigint() - started) / perRound);
  }
  rounds.sort((a, b) => a - b);
  return { min: rounds[0] ?? 0, median: rounds[Math.floor(ROUNDS / 2)] ?? 0 };
}

const api: ApiIdentity = { apiId: 'local', domainName: '127.0.0.1:8080', region: 'us-east-1', clientPort: 8080, clientProto: 'http' };
const encoder = new AwsProxyEventEncoder(api);
const body = Buffer.from('switchboard-bench:'.padEnd(64, 'x'));
const connections = Array.from({ length: CONNECTIONS }, (_, i) => ({
  id: `R1kmxc2VNjMC${String(i).padStart(3, '0')}=`,
  handshake: { headers: {}, rawQuery: '', sourceIp: '127.0.0.1', userAgent: '', forwardedFor: '127.0.0.1' },
  connectedAt: Date.now(),
}));

function messageEvent(i: number): IntegrationEvent {
  const connection = connections[i % CONNECTIONS];
  if (connection === undefined) throw new Error('no connection');
  const event: IntegrationEvent = {
    eventType: 'MESSAGE',
    routeKey: '$default',
    connectionId: connection.id,
    stage: 'dev',
    connectedAt: connection.connectedAt,
    handshake: connection.handshake,
    requestId: 'R1knPH17NjMFftw=',
    messageId: 'R1knPc2ntjMCFIA=',
    requestTimeEpoch: Date.now(),
    body,
    binary: false,
    managementUrl: 'http://127.0.0.1:8081/dev',
  };
  return event;
}

function eventJson(i: number): number {
  return encoder.bytes(messageEvent(i), '').length;
}

const BATCH_EVENTS = 38;
const batchResults: readonly unknown[] = Array.from({ length: BATCH_EVENTS }, () => null);
let batchBytes = 0;
const batcher = new EventBatcher(
  (body) => {
    batchBytes += body.length;
    return Promise.resolve(batchResults);
  },
  BATCH_EVENTS + 1,
);

/** One event into the batcher (its JSON included); every 38th sends the batch. */
function batchEvent(i: number): void {
  void batcher.add(messageEvent(i), encoder.writeMessage);
  if (i % BATCH_EVENTS === BATCH_EVENTS - 1) batcher.flush();
}

const sessions = new Sessions(createSessionStore({ kind: 'memory' }), DEFAULT_SESSION_TTL_SECONDS);

/** The sample backend's count of one message: one increment of its session (created when absent). */
function countMessage(i: number): Promise<number> {
  return sessions.countMessage(connections[i % CONNECTIONS]?.id ?? '');
}

const handlers = sampleEventHandlers(sessions, createConsoleLogger({ level: 'warn' }));
/** Batch bodies as the gateway writes them, 38 events of 38 different connections each. */
const batchBodies = Array.from({ length: CONNECTIONS }, (_, b) => {
  const events = Array.from({ length: BATCH_EVENTS }, (_, i) => encoder.bytes(messageEvent(b + i), ''));
  return Buffer.concat([Buffer.from('['), ...events.flatMap((event, i) => (i === 0 ? [event] : [Buffer.from(','), event])), Buffer.from(']')]);
});

/** The sample backend's answer to one batch of 38 message events. */
async function answerBatch(i: number): Promise<void> {
  const reply = await handleLambdaEvents(batchBodies[i % CONNECTIONS] ?? Buffer.alloc(0), handlers);
  if (reply.status !== 200) throw new Error(`the sample backend answered ${reply.status}`);
}

const format = (result: { min: number; median: number }) =>
  `${result.min.toFixed(0)} ns (median ${result.median.toFixed(0)})`;
process.stdout.write(`Node ${process.version}\n`);
process.stdout.write(`MESSAGE event JSON, 64 B body:        ${format(await measure(1_000_000, eventJson))}\n`);
process.stdout.write(`event JSON into a batch of 38:         ${format(await measure(1_000_000, batchEvent))}\n`);
process.stdout.write(`sample backend count (memory store): ${format(await measure(300_000, countMessage))}\n`);
const perEvent = (result: { min: number; median: number }) => ({ min: result.min / BATCH_EVENTS, median: result.median / BATCH_EVENTS });
process.stdout.write(`sample backend batch of 38, per event: ${format(perEvent(await measure(20_000, answerBatch)))}\n`);
await sessions.close();
if (batchBytes === 0) throw new Error('the batcher sent nothing');
