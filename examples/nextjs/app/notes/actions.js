'use server';
// VULNERABLE Server Action: the form field concatenated into an SQLite script.
import { revalidatePath } from 'next/cache';
import { database } from '../../lib/db';

export async function addNote(formData) {
  database().exec(`INSERT INTO notes (body) VALUES ('${formData.get('note')}')`);
  revalidatePath('/notes');
}
