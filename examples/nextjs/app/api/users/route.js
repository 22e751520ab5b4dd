// VULNERABLE route handler: the query string concatenated into SQL.
import { database } from '../../../lib/db';

export const dynamic = 'force-dynamic';

export function GET(request) {
  const name = request.nextUrl.searchParams.get('name') ?? '';
  const rows = database().prepare(`SELECT id, name, email FROM users WHERE name = '${name}'`).all();
  return Response.json(rows);
}
