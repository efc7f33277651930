/**
 * The messages nodes exchange over the bus for management calls: one request names an operation,
 * the stage, a connection id or group name and the data; one reply carries a status and a body.
 * Binary and small, so a cross-node push costs one short frame each way.
 */

export const ops = {
  post: 1,
  get: 2,
  delete: 3,
  join: 4,
  leave: 5,
  group: 6,
  broadcast: 7,
} as const;
export type Op = (typeof ops)[keyof typeof ops];

export const replyStatus = {
  ok: 0,
  gone: 1,
  badRequest: 2,
  internal: 3,
  /** The client's send buffer is over the high-water mark (SWB_ERR_SEND_BUFFER_FULL): nothing was sent. */
  bufferFull: 4,
} as const;
export type ReplyStatus = (typeof replyStatus)[keyof typeof replyStatus];

export interface OwnerRequest {
  readonly op: Op;
  /** The stage, or "" when the caller named none. */
  readonly stage: string;
  /** A connection id, or a group name for `group`, or "" for `broadcast`. */
  readonly name: string;
  /** For `join` and `leave`: the group. */
  readonly group: string;
  readonly data: Buffer;
}

export interface OwnerReply {
  readonly status: ReplyStatus;
  readonly body: Buffer;
}

export function encodeRequest(request: OwnerRequest): Buffer {
  const stage = Buffer.from(request.stage);
  const name = Buffer.from(request.name);
  const group = Buffer.from(request.group);
  const header = Buffer.allocUnsafe(4 + stage.length + name.length + group.length);
  let at = 0;
  header[at++] = request.op;
  header[at++] = stage.length;
  at += stage.copy(header, at);
  header[at++] = name.length;
  at += name.copy(header, at);
  header[at++] = group.length;
  group.copy(header, at);
  return request.data.length === 0 ? header : Buffer.concat([header, request.data]);
}

/** Undefined when the bytes are not a request of this protocol. */
export function decodeRequest(bytes: Buffer): OwnerRequest | undefined {
  let at = 0;
  const op = bytes[at++];
  if (op === undefined || op < ops.post || op > ops.broadcast) return undefined;
  const read = (): string | undefined => {
    const length = bytes[at++];
    if (length === undefined || at + length > bytes.length) return undefined;
    const text = bytes.toString('utf8', at, at + length);
    at += length;
    return text;
  };
  const stage = read();
  const name = read();
  const group = read();
  if (stage === undefined || name === undefined || group === undefined) return undefined;
  return { op: op as Op, stage, name, group, data: bytes.subarray(at) };
}

export function encodeReply(status: ReplyStatus, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.of(status);
  return body.length === 0 ? header : Buffer.concat([header, body]);
}

export function decodeReply(bytes: Buffer): OwnerReply {
  const status = bytes[0];
  if (status === undefined || status > replyStatus.bufferFull)
    return { status: replyStatus.internal, body: Buffer.from('malformed reply') };
  return { status: status as ReplyStatus, body: bytes.subarray(1) };
}

/** A count reply body: 4 bytes, big-endian. */
export function encodeCount(count: number): Buffer {
  const body = Buffer.allocUnsafe(4);
  body.writeUInt32BE(count >>> 0);
  return body;
}

export function decodeCount(body: Buffer): number {
  return body.length >= 4 ? body.readUInt32BE(0) : 0;
}
