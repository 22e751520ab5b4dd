// XML bodies parsed with xml2js inside a request: the parsed document is an input of
// source `xml`, named in xml2js's own shape (`order.customer.0.name.0`, attributes under
// `order.$.ref` by default). xml2js hands every result (parseString callbacks,
// parseStringPromise, 'end' listeners) through one `emit('end', result)` on its Parser,
// so that emit is where the document is recorded, in the context the parse runs in
// (async mode's setImmediate keeps it). Stored as parsed and walked only at a sink check;
// documents parsed outside any request are not inputs.
import { currentContext } from '../../context/store';
import { declareHook } from '../methods-hook';

function parserPrototype(loaded: unknown): object | undefined {
  const Parser = (loaded as { Parser?: unknown } | undefined)?.Parser;
  const proto = typeof Parser === 'function' ? (Parser.prototype as { emit?: unknown } | undefined) : undefined;
  return proto !== undefined && typeof proto.emit === 'function' ? proto : undefined;
}

// emit is inherited from EventEmitter: the wrapper is an own method of Parser.prototype only.
export const xml2jsHook = declareHook({
  module: 'xml2js',
  versions: '0.x',
  targets: [{ at: parserPrototype, wrap: {
    emit: (original) =>
      function emit(this: unknown, event: unknown, result: unknown) {
        // One slot per parsed document: a request may parse several.
        if (event === 'end' && result !== null && typeof result === 'object') currentContext()?.setLateValue(result, 'xml', '', result);
        // eslint-disable-next-line prefer-rest-params
        return original.apply(this, arguments as unknown as unknown[]) as unknown;
      },
  } }],
});
