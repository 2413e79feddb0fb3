/** A worker thread of the task pool (pool.ts): runs each requested task and answers with its value or error. */
import { parentPort } from 'node:worker_threads';
import { type TaskReply, type TaskRequest, taskError } from './pool.ts';
import { TASK_LOADERS, type TaskName } from './tasks.ts';

const loaded = new Map<TaskName, Promise<(...args: readonly unknown[]) => unknown>>();

parentPort?.on('message', async (request: TaskRequest) => {
  let reply: TaskReply;
  try {
    let fn = loaded.get(request.name);
    if (!fn) {
      fn = TASK_LOADERS[request.name]() as Promise<(...args: readonly unknown[]) => unknown>;
      loaded.set(request.name, fn);
    }
    reply = { id: request.id, value: await (await fn)(...request.args) };
  } catch (e) {
    reply = { id: request.id, error: taskError(e) };
  }
  parentPort?.postMessage(reply);
});
