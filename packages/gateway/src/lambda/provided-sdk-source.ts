/**
 * Worker code (a source string, see worker-source.ts) that makes the AWS SDK v3 available to
 * handlers the way the Lambda Node.js runtime does: a `@aws-sdk/*` or `@smithy/*` import that the
 * function's own folder cannot resolve is resolved from the gateway's installation instead, for
 * `require` (CommonJS) and `import` (ESM) alike. The function's own node_modules still win.
 */

/** The module name prefixes the gateway provides, as Lambda's runtime provides the SDK. */
export const PROVIDED_MODULE_PREFIXES = ['@aws-sdk/', '@smithy/'] as const;

/**
 * Defines `installProvidedSdk(fromUrl, esModule)`, where `fromUrl` is a file URL inside the gateway
 * package (resolution starts there). CommonJS: a fallback around `Module._resolveFilename`, always.
 * ESM: a resolve hook registered with `module.register` (a `data:` URL, so there is no file to
 * locate), only when the handler is an ES module: the hook runs on a loader thread of its own, which
 * costs each new environment a few hundred milliseconds, and `require` never needs it. (A CommonJS
 * handler that loads the SDK with a dynamic `import()` therefore does not get the provided one.)
 */
export const PROVIDED_SDK_SOURCE = String.raw`
const PROVIDED_PREFIXES = ${JSON.stringify(PROVIDED_MODULE_PREFIXES)};

function isProvided(specifier) {
  return typeof specifier === 'string' && PROVIDED_PREFIXES.some((prefix) => specifier.startsWith(prefix));
}

function installProvidedSdk(fromUrl, esModule) {
  const Module = require('node:module');
  const { fileURLToPath } = require('node:url');
  const providedRequire = Module.createRequire(fileURLToPath(fromUrl));
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (error) {
      if (error && error.code === 'MODULE_NOT_FOUND' && isProvided(request)) {
        try {
          return providedRequire.resolve(request);
        } catch {
          // Not provided either: report the function's own lookup, as Lambda does.
        }
      }
      throw error;
    }
  };
  if (!esModule) return;
  const hooks = [
    'const PROVIDED_PREFIXES = ' + JSON.stringify(PROVIDED_PREFIXES) + ';',
    'let providedFrom;',
    'export function initialize(data) { providedFrom = data.fromUrl; }',
    'export async function resolve(specifier, context, nextResolve) {',
    '  try {',
    '    return await nextResolve(specifier, context);',
    '  } catch (error) {',
    '    if (error && error.code === "ERR_MODULE_NOT_FOUND" && PROVIDED_PREFIXES.some((p) => specifier.startsWith(p))) {',
    '      try { return await nextResolve(specifier, { ...context, parentURL: providedFrom }); } catch {}',
    '    }',
    '    throw error;',
    '  }',
    '}',
  ].join('\n');
  Module.register('data:text/javascript,' + encodeURIComponent(hooks), { data: { fromUrl } });
}
`;
