// Worker bootstrap: lets a pool worker thread load the TypeScript sources (the same loader the CLI uses).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
