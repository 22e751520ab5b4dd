// An SQLite file shared by the route handler and the Server Action (Next may load this
// module once per route bundle, so an in-memory database would not be shared).
import Database from 'better-sqlite3';
import { join } from 'node:path';

let db;
export function database() {
  if (db !== undefined) return db;
  db = new Database(process.env.DB_FILE || join(process.cwd(), 'example.db'));
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
  `);
  if (db.prepare('SELECT COUNT(*) AS n FROM users').get().n === 0) {
    const insert = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
    insert.run('alice', 'alice@example.com');
    insert.run('bob', 'bob@example.com');
  }
  return db;
}
