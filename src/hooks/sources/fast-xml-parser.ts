// XML bodies parsed with fast-xml-parser inside a request: the parsed document is an
// input of source `xml` (`order.item.name`, attributes as `order.@_id` with the default
// prefix). Stored on the context as parsed and walked only when a sink is reached.
// Documents parsed outside any request (configuration files at start-up) are not inputs.
import { currentContext } from '../../context/store';
import { declareHook } from '../methods-hook';

function parserPrototype(loaded: unknown): object | undefined {
  const XMLParser = (loaded as { XMLParser?: unknown } | undefined)?.XMLParser;
  return typeof XMLParser === 'function' ? (XMLParser.prototype as object) : undefined;
}

export const fastXmlParserHook = declareHook({
  module: 'fast-xml-parser',
  versions: '4.x || 5.x',
  targets: [{ at: parserPrototype, wrap: {
    parse: (original) =>
      function parse(this: unknown) {
        // eslint-disable-next-line prefer-rest-params
        const result = original.apply(this, arguments as unknown as unknown[]) as unknown;
        // One slot per parsed document: a request may parse several.
        if (result !== null && typeof result === 'object') currentContext()?.setLateValue(result, 'xml', '', result);
        return result;
      },
  } }],
});
