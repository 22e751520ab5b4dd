// `rampart suggest --benign <id,...>`: turns the finding groups a user judged benign into a
// rampart.json allow section. Each rule is as narrow as the finding: one input, on one
// route and method, for one attack kind; never a whole route, input or kind.
import type { Options } from '../config/types';
import type { FindingGroup } from './group';

type InputRule = NonNullable<NonNullable<Options['allow']>['inputs']>[number];

export class SuggestError extends Error {}

export function suggestAllow(groups: readonly FindingGroup[], benign: readonly string[]): { allow: { inputs: InputRule[] } } {
  if (benign.length === 0) throw new SuggestError('name the benign findings with --benign <id>[,<id>...] (ids from `rampart report`)');
  const unknown = benign.filter((id) => !groups.some((g) => g.id === id));
  if (unknown.length > 0) throw new SuggestError(`no finding with id ${unknown.join(', ')} in these logs`);
  const rules = new Map<string, InputRule>();
  for (const id of benign) {
    const g = groups.find((x) => x.id === id)!;
    // Without a route or an input name the rule could only be broader than the finding.
    if (g.route === '-' || g.input === '-' || g.source === '-' || !g.route.startsWith('/')) {
      throw new SuggestError(`finding ${id} has no HTTP route or no named input (${g.source}.${g.input} at ${g.route}); write its allow rule by hand`);
    }
    const rule: InputRule = { source: g.source as InputRule['source'], name: g.input, method: g.method === '-' ? '*' : g.method, path: g.route, kinds: [g.kind as NonNullable<InputRule['kinds']>[number]] };
    rules.set(id, rule);
  }
  return { allow: { inputs: [...rules.values()] } };
}
