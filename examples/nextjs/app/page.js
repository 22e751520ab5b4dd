export default function Home() {
  return (
    <main>
      <h1>rampart + Next.js example</h1>
      <p>
        <a href="/api/users?name=alice">/api/users?name=alice</a> · <a href="/notes">notes</a>
      </p>
    </main>
  );
}
