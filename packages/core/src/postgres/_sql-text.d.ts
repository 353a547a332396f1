// Named apart from `_sql.ts`: TypeScript skips a `.d.ts` that sits beside a `.ts` of the same name.
// Migration files are imported as text: tsup's `text` loader in the build, the `.sql` plugin of
// vitest.config.ts in tests.
declare module "*.sql" {
  const text: string;
  export default text;
}
