/** `name` or `@scope/name`, from a module id such as `mysql2/lib/base/connection`. */
export function packageName(id: string): string {
  const parts = id.split('/');
  return id.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}
