// String literals written inline in a GraphQL document are client input just like
// variables: `{ user(name: "x' OR 1=1 --") { id } }`. Walks a parsed DocumentNode (the
// plain-object AST of the `graphql` package) iteratively and within the walk budget,
// naming each literal by where it sits: `query.user.name`, `mutation.addNote.input.text`,
// `fragment.F.user.name`.
import type { InputSource, UserInput } from '../detect/types';
import { addString, exceed, type WalkBudget } from './walk';

interface Node {
  readonly kind?: unknown;
  readonly [key: string]: unknown;
}

interface Pending {
  readonly node: Node;
  readonly path: string;
  readonly depth: number;
}

const nameOf = (node: unknown): string | undefined => {
  const value = (node as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : undefined;
};

function join(path: string, key: string): string {
  return path.length === 0 ? key : `${path}.${key}`;
}

function list(node: Node, key: string): readonly Node[] {
  const value = node[key];
  return Array.isArray(value) ? (value as Node[]) : [];
}

export function collectDocumentLiterals(document: unknown, source: InputSource, budget: WalkBudget, out: UserInput[]): void {
  if (document === null || typeof document !== 'object') return;
  // Every AST node is visited at most once; documents with no string literal cost a scan.
  let visitsLeft = Math.max(budget.inputsLeft, 1) * 16;
  const stack: Pending[] = [];
  for (const definition of list(document as Node, 'definitions')) {
    if (definition.kind === 'OperationDefinition') {
      const operation = typeof definition.operation === 'string' ? definition.operation : 'query';
      stack.push({ node: definition, path: operation, depth: 0 });
      for (const variable of list(definition, 'variableDefinitions')) {
        const name = nameOf((variable.variable as Node | undefined)?.name);
        if (variable.defaultValue !== undefined && name !== undefined) stack.push({ node: variable.defaultValue as Node, path: `${operation}.$${name}`, depth: 1 });
      }
    } else if (definition.kind === 'FragmentDefinition') {
      stack.push({ node: definition, path: `fragment.${nameOf(definition.name) ?? ''}`, depth: 0 });
    }
  }
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (--visitsLeft < 0) return exceed(budget, 'maxInputs', source, path);
    switch (node.kind) {
      case 'StringValue':
        if (typeof node.value === 'string' && !addString(node.value, source, path, budget, out)) return;
        break;
      case 'ListValue':
        list(node, 'values').forEach((value, i) => stack.push({ node: value, path: join(path, String(i)), depth: depth + 1 }));
        break;
      case 'ObjectValue':
        for (const field of list(node, 'fields')) stack.push({ node: field.value as Node, path: join(path, nameOf(field.name) ?? ''), depth: depth + 1 });
        break;
      case 'Field': {
        const here = join(path, nameOf(node.alias) ?? nameOf(node.name) ?? '');
        for (const arg of list(node, 'arguments')) stack.push({ node: arg.value as Node, path: join(here, nameOf(arg.name) ?? ''), depth: depth + 1 });
        pushDirectives(stack, node, here, depth);
        if (node.selectionSet !== undefined) stack.push({ node: node.selectionSet as Node, path: here, depth: depth + 1 });
        break;
      }
      case 'OperationDefinition':
      case 'FragmentDefinition':
      case 'InlineFragment':
        pushDirectives(stack, node, path, depth);
        if (node.selectionSet !== undefined) stack.push({ node: node.selectionSet as Node, path, depth: depth + 1 });
        break;
      case 'FragmentSpread':
        pushDirectives(stack, node, path, depth);
        break;
      case 'SelectionSet':
        for (const selection of list(node, 'selections')) stack.push({ node: selection, path, depth: depth + 1 });
        break;
      default:
        break; // numbers, booleans, enums, null and variables carry no client text here
    }
  }
}

function pushDirectives(stack: Pending[], node: Node, path: string, depth: number): void {
  for (const directive of list(node, 'directives')) {
    const here = join(path, `@${nameOf(directive.name) ?? ''}`);
    for (const arg of list(directive, 'arguments')) stack.push({ node: arg.value as Node, path: join(here, nameOf(arg.name) ?? ''), depth: depth + 1 });
  }
}
