// `node --import ./src-main/test-support/register-electron-stub.mjs out/main/index.js ...`:
// runs the built main bundle under plain Node with `electron` resolved to electron-stub.mjs,
// as `electron out/main/index.js` would (process.defaultApp set, as Electron does then).
import { register } from 'node:module';

process.defaultApp = true;
register(
  `data:text/javascript,${encodeURIComponent(`
    export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: ${JSON.stringify(new URL('./electron-stub.mjs', import.meta.url).href)}, shortCircuit: true };
      return next(specifier, context);
    }
  `)}`,
);
