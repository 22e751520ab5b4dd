// Crash suite, SQL drivers: the stacked DROP TABLE never reaches the database.
import t from 'tap';
import { crashSuite } from './suite';

crashSuite(t, 'sql', (t, effects, c) => t.equal(effects.tables[c.sink], true, 'the table is still there'));
