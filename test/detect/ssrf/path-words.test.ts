// Plain words of a request path that name the destination (path-words.ts): consecutive
// segments spelling the host, then its port; a word equal to the host without the port
// after it is the route's own text.
import t from 'tap';
import { pathWordsNamingHost, urlPort } from '../../../src/detect/ssrf';

const named = (path: string, host: string, port: string) => pathWordsNamingHost(path, host, port)?.value;

t.test('host words followed by the port', async (t) => {
  t.equal(named('/proxy/internal/8080/x', 'internal', '8080'), 'internal/8080');
  t.equal(named('/proxy/127/0/0/1/6379', '127.0.0.1', '6379'), '127/0/0/1/6379', 'an IP spelled over several segments');
  t.equal(named('/p/Metadata/Google/Internal/80/', 'metadata.google.internal', '80'), 'metadata/google/internal/80', 'case-insensitive');
  t.equal(named('/p/loc%61lhost/80', 'localhost', '80'), 'localhost/80', 'percent-decoded');
  t.equal(pathWordsNamingHost('/proxy/internal/8080/x', 'internal', '8080')?.source, 'path');
});

t.test('not named', async (t) => {
  t.equal(named('/api/users', 'api', '3000'), undefined, 'a route word equal to a service, no port');
  t.equal(named('/redis/status/6379', 'redis', '6379'), undefined, 'the port not right after the host');
  t.equal(named('/proxy/internal/8080', 'internal', ''), undefined, 'no explicit port in the call');
  t.equal(named('/proxy/internal/8081', 'internal', '8080'), undefined, 'another port');
  t.equal(named('/proxy/inter/nal/8080', 'internal', '8080'), undefined, 'segments join with dots, not as text');
  t.equal(named('/a/b/c', 'b', '80'), undefined);
});

t.test('urlPort: the port written in a URL', async (t) => {
  t.equal(urlPort('http://h:8080/x'), '8080');
  t.equal(urlPort('http://h/x:80'), '', 'a colon in the path');
  t.equal(urlPort('http://u:p@h/'), '', 'credentials');
  t.equal(urlPort('http://u:p@h:81/'), '81');
  t.equal(urlPort('http://[::1]/'), '', 'IPv6 without a port');
  t.equal(urlPort('http://[::1]:9/'), '9');
  t.equal(urlPort('h:80'), '', 'not a URL');
});
