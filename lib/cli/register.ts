/**
 * `node -r cdktf-deployment-pipeline/register main.ts`: TypeScript files load with the package's
 * loader (see `installTypeScriptHook`), the project being the working folder. The form cdktf.json
 * of a project runs its app with: no npx, so nothing starts before node.
 */
import { installTypeScriptHook } from './private/typescript-hook';

installTypeScriptHook(process.cwd());
