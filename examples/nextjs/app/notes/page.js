import { database } from '../../lib/db';
import { addNote } from './actions';

export const dynamic = 'force-dynamic';

export default function Notes() {
  const notes = database().prepare('SELECT id, body FROM notes ORDER BY id').all();
  const tables = database().prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  return (
    <main>
      <form action={addNote}>
        <input name="note" placeholder="a note" />
        <button type="submit">Add</button>
      </form>
      <ul>
        {notes.map((n) => (
          <li key={n.id}>{n.body}</li>
        ))}
      </ul>
      <p>tables: {tables.map((t) => t.name).join(', ')}</p>
    </main>
  );
}
