// wrap.ts's rules for living beside other wrappers, with the real `shimmer` (the protocol
// OpenTelemetry, Sentry and elastic-apm-node follow): rampart's wrapper carries no marker,
// answers shimmer's protocol for a shimmer wrapper below it, and stop() restores only
// where its wrapper is on top, leaving a pass-through that start() switches back on.
// The same rules with the real agents: test/coexistence/.
import shimmer from 'shimmer';
import t from 'tap';
import { isWrapped, originalOf, unwrapMethod, wrapMethod } from '../../src/hooks/wrap';

type Fn = (...args: unknown[]) => unknown;
const otelIsWrapped = (fn: unknown) => {
  const f = fn as { __original?: unknown; __unwrap?: unknown; __wrapped?: unknown };
  return typeof fn === 'function' && typeof f.__original === 'function' && typeof f.__unwrap === 'function' && f.__wrapped === true;
};

/** An owner whose `run` records which layers a call went through. */
function subject() {
  const calls: string[] = [];
  const owner = {
    run(x: number): number {
      calls.push('original');
      return x * 2;
    },
  };
  const layer = (name: string) => (original: Fn) =>
    function (this: unknown, ...args: unknown[]) {
      calls.push(name);
      return original.apply(this, args);
    };
  const through = (x = 1) => {
    calls.length = 0;
    const result = owner.run(x);
    return { result, calls: [...calls] };
  };
  return { owner, layer, through };
}

t.test('no marker: a shimmer tool wraps over rampart instead of removing it', async (t) => {
  const { owner, layer, through } = subject();
  const original = owner.run;
  wrapMethod(owner, 'run', layer('rampart'));
  t.notOk(otelIsWrapped(owner.run), 'not shimmer-wrapped in the eyes of OpenTelemetry');
  t.same(Reflect.ownKeys(owner.run).sort(), Reflect.ownKeys(original).sort(), 'no own key the original lacks');
  shimmer.wrap(owner, 'run', layer('otel') as never);
  t.same(through(), { result: 2, calls: ['otel', 'rampart', 'original'] });
  shimmer.unwrap(owner, 'run'); // the tool's disable()
  t.same(through(), { result: 2, calls: ['rampart', 'original'] }, "the tool's disable() leaves rampart");
  unwrapMethod(owner, 'run');
  t.equal(owner.run, original, 'stop() restores the original where rampart is on top');
});

t.test("over a shimmer wrapper: the tool's unwrap takes out its own layer, rampart stays on top", async (t) => {
  const { owner, layer, through } = subject();
  const original = owner.run;
  shimmer.wrap(owner, 'run', layer('otel') as never);
  const otel = owner.run;
  wrapMethod(owner, 'run', layer('rampart'));
  t.ok(otelIsWrapped(owner.run), 'answers for the shimmer wrapper below');
  t.equal((owner.run as unknown as { __original: unknown }).__original, original, "__original is that wrapper's");
  t.same(through(), { result: 2, calls: ['rampart', 'otel', 'original'] });
  shimmer.unwrap(owner, 'run'); // disable()
  const rampart = owner.run;
  t.ok(isWrapped(rampart), 'rampart still in place');
  t.notOk(otelIsWrapped(rampart), 'nothing shimmer-wrapped below any more');
  t.same(through(), { result: 2, calls: ['rampart', 'original'] });
  shimmer.wrap(owner, 'run', layer('otel') as never); // enable()
  t.same(through(), { result: 2, calls: ['otel', 'rampart', 'original'] }, 'wrapped once again, not twice');
  t.not(owner.run, otel);
  // A tool that copies own properties (dd-trace) copies accessors that say nothing for it.
  const copy = function copy() {};
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(rampart));
  t.notOk(otelIsWrapped(copy), 'nor shimmer-wrapped');
  t.equal(originalOf(rampart), original, 'rampart now calls the original itself');
  t.notOk(isWrapped(copy), "a copy of rampart's wrapper's properties is not rampart's");
});

t.test('stop() under another wrapper: a pass-through, switched back on by start()', async (t) => {
  const { owner, layer, through } = subject();
  wrapMethod(owner, 'run', layer('rampart'));
  const rampart = owner.run;
  shimmer.wrap(owner, 'run', layer('otel') as never);
  const otel = owner.run;
  unwrapMethod(owner, 'run');
  t.equal(owner.run, otel, "stop() leaves the other tool's wrapper in place");
  t.same(through(), { result: 2, calls: ['otel', 'original'] }, "rampart's wrapper only passes calls on");
  wrapMethod(owner, 'run', layer('rampart'));
  t.equal(owner.run, otel, 'start() adds no second layer');
  t.same(through(), { result: 2, calls: ['otel', 'rampart', 'original'] }, 'the same wrapper runs its hook again');
  shimmer.unwrap(owner, 'run');
  t.equal(owner.run, rampart, "the tool's unwrap still restores rampart's wrapper");
  unwrapMethod(owner, 'run');
  t.same(through(), { result: 2, calls: ['original'] });
  t.notOk(Object.hasOwn(owner.run, '__original'), 'the original, unmarked');
});

t.test('a wrapper over an inherited method is removed so the method is inherited again', async (t) => {
  class Base {
    emit(): string {
      return 'base';
    }
  }
  class Server extends Base {}
  wrapMethod(Server.prototype, 'emit', (original) => function (this: unknown) { return `hooked ${String(original.call(this))}`; });
  t.equal(new Server().emit(), 'hooked base');
  t.equal(Object.getOwnPropertyDescriptor(Server.prototype, 'emit')?.enumerable, false);
  unwrapMethod(Server.prototype, 'emit');
  t.notOk(Object.hasOwn(Server.prototype, 'emit'));
  t.equal(new Server().emit(), 'base');
});
