import { readFileSync } from 'node:fs';

/** The toolkit version, from package.json (recorded in every manifest). */
export const TOOLKIT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
