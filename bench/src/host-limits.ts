/**
 * The limits a many-connection benchmark runs into, read from Linux /proc: a process's open-file
 * limit and how many files and sockets it holds, its proportional set size, the kernel's ephemeral
 * port range, listen backlog cap and TCP memory, and the listen-queue overflow counters.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function numbers(text: string | null): number[] {
  return text === null ? [] : text.trim().split(/\s+/).map(Number);
}

/** The soft "Max open files" limit of a process (what `ulimit -n` shows inside it), or null. */
export function maxOpenFiles(pid: number): number | null {
  const line = /^Max open files\s+(\S+)/m.exec(readText(`/proc/${pid}/limits`) ?? '')?.[1];
  if (line === undefined) return null;
  return line === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line);
}

export interface OpenFiles {
  readonly files: number;
  readonly sockets: number;
}

/** How many file descriptors a process holds, and how many of them are sockets. */
export function openFiles(pid: number): OpenFiles {
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return { files: 0, sockets: 0 };
  }
  let sockets = 0;
  for (const fd of entries) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // Closed while we read the directory.
    }
  }
  return { files: entries.length, sockets };
}

/** Proportional set size in bytes (shared pages split between their users), or null. */
export function pssBytes(pid: number): number | null {
  const kb = /^Pss:\s+(\d+)\s+kB/m.exec(readText(`/proc/${pid}/smaps_rollup`) ?? '')?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}

export interface KernelLimits {
  /** net.ipv4.ip_local_port_range: ephemeral ports per source address towards one destination. */
  readonly localPortRange: readonly [number, number];
  /** net.core.somaxconn: the cap on any listen backlog. */
  readonly somaxconn: number | null;
  readonly tcpMaxSynBacklog: number | null;
  /** net.ipv4.tcp_mem in pages: low, pressure, high. */
  readonly tcpMemPages: readonly number[];
  readonly fileMax: number | null;
  readonly conntrackMax: number | null;
  /** `ulimit -n` of this process. */
  readonly ownMaxOpenFiles: number | null;
}

export function kernelLimits(): KernelLimits {
  const [low = 0, high = 0] = numbers(readText('/proc/sys/net/ipv4/ip_local_port_range'));
  const one = (path: string): number | null => numbers(readText(path))[0] ?? null;
  return {
    localPortRange: [low, high],
    somaxconn: one('/proc/sys/net/core/somaxconn'),
    tcpMaxSynBacklog: one('/proc/sys/net/ipv4/tcp_max_syn_backlog'),
    tcpMemPages: numbers(readText('/proc/sys/net/ipv4/tcp_mem')),
    fileMax: one('/proc/sys/fs/file-max'),
    conntrackMax: one('/proc/sys/net/netfilter/nf_conntrack_max'),
    ownMaxOpenFiles: maxOpenFiles(process.pid),
  };
}

export interface KernelCounters {
  /** TcpExt ListenOverflows: connections dropped because an accept queue was full. */
  readonly listenOverflows: number;
  /** TcpExt ListenDrops: SYNs dropped at a listener for any reason. */
  readonly listenDrops: number;
  /** /proc/net/sockstat TCP `inuse`. */
  readonly tcpInUse: number;
  /** /proc/net/sockstat TCP `mem`, in pages: kernel memory of TCP buffers, which RSS leaves out. */
  readonly tcpMemPages: number;
  readonly conntrackCount: number | null;
}

function tcpExt(name: string, text: string): number {
  const lines = text.split('\n').filter((line) => line.startsWith('TcpExt:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const index = names.indexOf(name);
  return index < 0 ? 0 : Number(values[index] ?? 0);
}

/** Counters of this network namespace now; differences of two readings tell what a run caused. */
export function kernelCounters(): KernelCounters {
  const netstat = readText('/proc/net/netstat') ?? '';
  const sockstat = /^TCP: inuse (\d+) .* mem (\d+)/m.exec(readText('/proc/net/sockstat') ?? '');
  return {
    listenOverflows: tcpExt('ListenOverflows', netstat),
    listenDrops: tcpExt('ListenDrops', netstat),
    tcpInUse: Number(sockstat?.[1] ?? 0),
    tcpMemPages: Number(sockstat?.[2] ?? 0),
    conntrackCount: numbers(readText('/proc/sys/net/netfilter/nf_conntrack_count'))[0] ?? null,
  };
}
