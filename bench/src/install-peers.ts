/**
 * `npm run bench:install-peers`: installs the peers that come from npm into their own directories
 * under bench/peers/ (git-ignored, outside the npm workspaces), each with its own package.json and
 * lock file, so the root package-lock.json and node_modules are never touched. For now that is
 * serverless-offline: serverless@3.40.0 with serverless-offline@13.9.0 (about 640 packages; the
 * last pair that runs without downloading a binary, docs/peers.md section 3.2). Pushpin is a Debian
 * package (`apt-get install pushpin`), not installed here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serverlessOfflinePackageJson } from './serverless-offline-config.js';
import { serverlessOfflineInstallDir, serverlessOfflineInstalled } from './serverless-offline.js';

const usage = `Usage: node bench/dist/install-peers.js [--force]   (npm run bench:install-peers)

Installs serverless@3.40.0 and serverless-offline@13.9.0 into ${serverlessOfflineInstallDir}
(its own package.json, outside the npm workspaces, git-ignored) for the serverless-offline
scenarios of the echo part. Needs the npm registry only. Skipped when already installed unless --force.
`;

/**
 * The environment of the inner npm: without the npm_* variables of the `npm run` that started us,
 * so the inner npm reads no setting (prefix, workspace) of the monorepo's run.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

function main(): number {
  const { values } = parseArgs({
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const dir = serverlessOfflineInstallDir;
  if (serverlessOfflineInstalled() && !values.force) {
    process.stdout.write(`serverless-offline: already installed in ${dir} (--force reinstalls)\n`);
    return 0;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), serverlessOfflinePackageJson());
  process.stdout.write(`serverless-offline: npm install into ${dir} (about 640 packages, a minute) …\n`);
  // --prefix fixes npm's local prefix to this directory: npm does not look for the workspace root
  // above it. --ignore-scripts skips serverless's postinstall (a banner and telemetry); nothing in
  // the tree needs a build step.
  const result = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-update-notifier', '--prefix', dir],
    { cwd: dir, env: cleanEnv(), stdio: 'inherit' },
  );
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0 || !serverlessOfflineInstalled()) {
    process.stderr.write(`serverless-offline: npm install failed (exit ${String(result.status)})\n`);
    return 1;
  }
  process.stdout.write(
    `serverless-offline: installed; \`npm run bench\` now measures the serverless-offline scenarios\n`,
  );
  return 0;
}

process.exitCode = main();
