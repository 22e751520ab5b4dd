// Shell matching survives the app changing the input's case.
import t from 'tap';
import { detectShellInjection } from '../../../src/detect/shell';

const input = (value: string) => [{ source: 'query' as const, path: 'q', value }];

t.test('lower-cased by the app: still an injection', async (t) => {
  const value = 'Report.PDF; ID';
  t.equal(detectShellInjection(`convert /srv/${value.toLowerCase()} out.png`, input(value))?.rule, 'cmdi.operator');
  const sub = 'X$(ID)';
  t.equal(detectShellInjection(`ls /srv/${sub.toLowerCase()}`, input(sub))?.rule, 'cmdi.substitution');
  t.equal(detectShellInjection(`ls /srv/${'A|B'.toUpperCase()}`, input('a|b'))?.rule, 'cmdi.operator');
});

t.test('benign twins: a file name in another case is one word', async (t) => {
  t.equal(detectShellInjection('ls /srv/report.pdf', input('Report.PDF')), undefined);
  t.equal(detectShellInjection('ls /srv/REPORT-2024.PDF', input('report-2024.pdf')), undefined);
});
