// Entry of a load-generator thread. Threads do not reliably inherit the `--import tsx` hooks of the main thread,
// so the TypeScript worker is loaded through tsx's API explicitly.
import { tsImport } from 'tsx/esm/api';

await tsImport('./load-worker.ts', import.meta.url);
