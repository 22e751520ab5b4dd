// GraphQL: the variables and the inline string arguments of every executed operation
// are inputs of source `graphql` (`variables.name`, `query.user.name`). `graphql()`,
// `graphqlSync()`, `execute()`, `executeSync()` and `subscribe()` all run through the
// `execute`/`executeSync` exports of graphql/execution/execute.js (graphql's index
// re-exports them through non-configurable getters that read that module's exports at
// each access): the hook patches that file, loaded by graphql itself whether the app
// requires or imports 'graphql'. The operation is stored on the context and walked only
// when a sink is reached.
import type { InputSource, UserInput } from '../../detect/types';
import { collectDocumentLiterals } from '../../context/graphql-document';
import { currentContext } from '../../context/store';
import { walkInputs, type WalkBudget } from '../../context/walk';
import { declareHook } from '../methods-hook';

interface ExecutionArgs {
  readonly document?: unknown;
  readonly variableValues?: unknown;
}

function collectOperation(value: unknown, source: InputSource, _path: string, budget: WalkBudget, out: UserInput[]): void {
  const args = value as ExecutionArgs;
  walkInputs(args.variableValues, source, 'variables', budget, out);
  collectDocumentLiterals(args.document, source, budget, out);
}

function wrapExecute(original: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return function execute(this: unknown, args: unknown) {
    const ctx = currentContext();
    if (ctx !== undefined && args !== null && typeof args === 'object') {
      // One slot per document: batched operations each keep theirs; a subscription's
      // events re-execute the same document.
      const document = (args as ExecutionArgs).document;
      ctx.setLateValue(typeof document === 'object' && document !== null ? document : args, 'graphql', '', args, collectOperation);
    }
    // eslint-disable-next-line prefer-rest-params
    return original.apply(this, arguments as unknown as unknown[]);
  };
}

function executeModule(loaded: unknown): Record<string, unknown> | undefined {
  const execution = loaded as Record<string, unknown> | undefined;
  return typeof execution?.execute === 'function' ? execution : undefined;
}

export const graphqlHook = declareHook({
  module: 'graphql/execution/execute',
  versions: '16.x',
  targets: [{ at: executeModule, wrap: { execute: wrapExecute, executeSync: wrapExecute } }],
});
