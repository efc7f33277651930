/**
 * How the benchmark's own servers (direct echo, Pushpin's echo origin) stop: on SIGTERM or SIGINT,
 * and, with `--exit-with-stdin`, when the runner's end of their stdin closes (the runner died).
 */
export function stopWithRunner(shutdown: () => void, exitWithStdin: boolean): void {
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (exitWithStdin) {
    // The runner keeps our stdin open; if it dies, the pipe closes and we follow.
    process.stdin.on('end', shutdown);
    process.stdin.resume();
  }
}
