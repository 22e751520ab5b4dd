import t from 'tap';
import { ATTACK_KINDS } from '../../src/detect/types';
t.equal(ATTACK_KINDS.length, 4);
