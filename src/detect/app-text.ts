// Text the app sent on its own: the answer to coincidence false positives (docs/sql.md,
// "Text the app wrote itself"). A query or command text that reached a sink while none of
// the request's inputs occurred in it was built without any input, so it is the app's own
// text. When the byte-identical text comes back later and happens to contain an input (a
// search for `order by` against a parameterized `... ORDER BY id`), that occurrence is the
// app's, not the input's: the input cannot have put anything there that the app did not
// already send without it.
//
// Only exact texts count, never a template with a hole: an attacker's text always holds
// the attacker's input, so it can only be known if the very same bytes were sent before
// without any input in them. The memory is bounded; when full it starts over, so the cost
// of a flood of one-off texts is only that known texts are learned again.

/** Texts longer than this are neither remembered nor looked up (hashing costs their length). */
const MAX_TEXT_LENGTH = 4096;
/** Distinct texts kept before the memory starts over. */
const MAX_TEXTS = 2048;

export class AppTextMemory {
  private readonly texts = new Set<string>();

  /** Records a text a sink received while no input of the request occurred in it. */
  remember(text: string): void {
    if (text.length > MAX_TEXT_LENGTH) return;
    if (this.texts.size >= MAX_TEXTS) {
      if (this.texts.has(text)) return;
      this.texts.clear();
    }
    this.texts.add(text);
  }

  /** Whether the app already sent exactly this text without any input in it. */
  knows(text: string): boolean {
    return text.length <= MAX_TEXT_LENGTH && this.texts.has(text);
  }

  get size(): number {
    return this.texts.size;
  }

  clear(): void {
    this.texts.clear();
  }
}
