/**
 * The configuration of the benchmark's private Pushpin instance (Debian pushpin 1.36): everything it
 * binds lives in one temp directory (ZeroMQ ipc sockets, pid files, logs) or on free loopback ports,
 * so it never meets a system-wide Pushpin or zurl. Only the file text is made here; pushpin.ts
 * writes it and starts the processes.
 */

export interface PushpinConfigInput {
  /** Directory of the instance: run/ and log/ go under it. */
  readonly dir: string;
  /** Port of the client listener (condure) on 127.0.0.1. */
  readonly httpPort: number;
  /** Port of the handler's HTTP publish endpoint on 127.0.0.1 (unused by the bench, but always bound). */
  readonly publishPort: number;
  /** Port of the WebSocket-over-HTTP echo origin on 127.0.0.1. */
  readonly originPort: number;
  /** Most client connections condure accepts. */
  readonly maxConnections: number;
  /** 0 error, 1 warning, 2 info, 3 debug. */
  readonly logLevel: number;
  /** Key Pushpin signs its origin requests with (Grip-Sig). */
  readonly sigKey: string;
}

/**
 * pushpin.conf. The Debian package's internal.conf points the proxy at a system-wide zurl
 * (ipc:///var/run/zurl/…) and its runner starts only condure, proxy and handler; here the runner also
 * starts a zurl of our own (from its template, in our run dir) and the proxy is pointed at it. The
 * handler's publish and command sockets, fixed TCP ports in the Debian file, become ipc sockets.
 */
export function pushpinConf(input: PushpinConfigInput): string {
  return [
    '# Written by bench/src/pushpin.ts for a private benchmark instance; removed when it stops.',
    '[global]',
    'include={libdir}/internal.conf',
    `rundir=${input.dir}/run`,
    'ipc_prefix=bench-',
    'port_offset=0',
    'stats_connection_ttl=120',
    '',
    '[runner]',
    'services=condure,zurl,pushpin-proxy,pushpin-handler',
    `http_port=127.0.0.1:${input.httpPort}`,
    `logdir=${input.dir}/log`,
    `log_level=${input.logLevel}`,
    'client_buffer_size=8192',
    `client_maxconn=${input.maxConnections}`,
    'condure_bin=condure',
    'zurl_bin=zurl',
    '',
    '[proxy]',
    'routesfile=routes',
    'debug=false',
    'auto_cross_origin=false',
    'sig_iss=pushpin',
    `sig_key=${input.sigKey}`,
    'updates_check=off',
    'zurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in',
    'zurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream',
    'zurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out',
    '',
    '[handler]',
    'push_in_spec=ipc://{rundir}/{ipc_prefix}push-in',
    'push_in_sub_specs=ipc://{rundir}/{ipc_prefix}push-in-sub',
    'push_in_sub_connect=false',
    'push_in_http_addr=127.0.0.1',
    `push_in_http_port=${input.publishPort}`,
    'stats_spec=ipc://{rundir}/{ipc_prefix}stats',
    'command_spec=ipc://{rundir}/{ipc_prefix}command',
    'message_rate=2500',
    'message_hwm=25000',
    'connection_subscription_max=20',
    '',
  ].join('\n');
}

/** The routes file: every request goes to the echo origin over WebSocket-over-HTTP. */
export function pushpinRoutes(originPort: number): string {
  return `* 127.0.0.1:${originPort},over_http\n`;
}
