// Shared by the tests that talk to the real database servers.
import t from 'tap';

interface ErrorEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * mysql2 connects as soon as a connection is created and emits 'error' when the server is
 * unreachable; without a listener that is an uncaught exception that kills the test process
 * with a bare stack trace. This turns it into one failing assertion that says what to do.
 */
export function failOnConnectionError<C extends ErrorEmitter>(conn: C, server = 'MariaDB on 127.0.0.1:3306'): C {
  conn.on('error', (err) => {
    t.fail(`${server}: ${err.message}. Run \`node scripts/test-databases.js\` (npm test does) to start it and create the test database.`);
  });
  return conn;
}
