/** Module-resolution hook registered by kit-sources.mjs (which says why). */
import { isBuiltin } from 'node:module';

const eksRoot = new URL('./', import.meta.url).href;
const kitRoot = new URL('../../', import.meta.url).href;
const eksPackage = new URL('./package.json', import.meta.url).href;

/** A package name (`yaml`, `@scope/pkg/sub`), not a path, URL or built-in module. */
function isBareName(specifier) {
  return !/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier) && !isBuiltin(specifier);
}

/** A source file of the kit outside infra/eks (not a file of an installed package). */
function isKitSource(parentURL) {
  return parentURL !== undefined && parentURL.startsWith(kitRoot) && !parentURL.startsWith(eksRoot) && !parentURL.includes('/node_modules/');
}

export async function resolve(specifier, context, nextResolve) {
  if (isBareName(specifier) && isKitSource(context.parentURL)) return nextResolve(specifier, { ...context, parentURL: eksPackage });
  return nextResolve(specifier, context);
}
