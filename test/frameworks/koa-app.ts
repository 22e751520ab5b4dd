// The routes of cases.ts as a koa app with @koa/router and koa-body, for any koa major:
// koa2.test.ts runs it on koa 2 (legacy fixture), koa-body.test.ts on koa 3.
import type { SinkActions } from './sinks';
import type { UsersDb } from './support';

interface Ctx {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  request: { body: any };
  get(name: string): string;
  cookies: { get(name: string): string | undefined };
}

export interface KoaPackages {
  readonly Koa: new () => any;
  readonly Router: new () => any;
  readonly koaBody: (options: Record<string, unknown>) => unknown;
}

/** Returns the app's request listener. */
export function koaCasesApp({ Koa, Router, koaBody }: KoaPackages, db: UsersDb, sinks: SinkActions): (req: unknown, res: unknown) => void {
  const q = (ctx: Ctx) => ctx.query as Record<string, string>;
  const app = new Koa();
  app.silent = true; // rampart's block surfaces as an error in koa's own handler; keep stderr quiet
  const router = new Router();
  router.get('/users/:name', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.params.name!)));
  router.get('/by-query', (ctx: Ctx) => void (ctx.body = db.findUser(q(ctx).name!)));
  router.get('/by-tags', (ctx: Ctx) => void (ctx.body = db.findUser(([] as string[]).concat(ctx.query.tag!).join(','))));
  router.post('/by-json', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.request.body.user.name)));
  router.post('/by-form', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.request.body.name)));
  router.post('/by-text', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.request.body)));
  // koa-body's multipart parser (formidable) puts text fields on ctx.request.body, files on ctx.request.files.
  router.post('/by-multipart', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.request.body.name)));
  router.get('/by-header', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.get('x-user'))));
  router.get('/by-cookie', (ctx: Ctx) => void (ctx.body = db.findUser(ctx.cookies.get('user')!)));
  router.get('/echo', async (ctx: Ctx) => void (ctx.body = JSON.stringify(await sinks.echo(q(ctx).msg!))));
  router.get('/file', async (ctx: Ctx) => void (ctx.body = JSON.stringify(await sinks.readFile(q(ctx).name!))));
  router.get('/preview', async (ctx: Ctx) => void (ctx.body = JSON.stringify(await sinks.preview(q(ctx).url!))));
  app.use(koaBody({ multipart: true, text: true }));
  app.use(router.routes());
  return app.callback();
}
