/**
 * A local GitHub-like REST API: `GET /repos/{owner}/{repo}/issues?per_page&page`, newest first,
 * paged with an RFC 8288 `Link` header (`rel="next"`, `rel="last"`) as GitHub does. Needs a token.
 */
import { type LocalServer, sendJson, startLocalServer } from "./_http-server";

/** An issue as the API returns it (the fields the example uses). */
export interface Issue {
  id: number;
  number: number;
  title: string;
  state: "open" | "closed";
  user: { login: string };
  labels: Array<{ name: string }>;
  comments: number;
  created_at: string;
  updated_at: string;
}

/** The running fake. */
export interface FakeGitHub extends LocalServer {
  /** The issues endpoint a connector reads. */
  issuesPath: string;
  issues(): Issue[];
  /** A comment on an issue: bumps `comments` and `updated_at`. */
  comment(number: number): void;
}

const logins = ["octocat", "hubot", "monalisa", "defunkt", "mojombo"];
const labelNames = ["bug", "enhancement", "docs", "question"];

/** Starts the fake with `count` issues of `acme/widgets`, answering `token`. */
export async function startFakeGitHub(token: string, count = 57): Promise<FakeGitHub> {
  const base = Date.parse("2026-01-05T09:00:00Z");
  const issues: Issue[] = Array.from({ length: count }, (_, i) => {
    const at = new Date(base + i * 3_600_000).toISOString();
    return {
      id: 2_000_000_000 + i,
      number: i + 1,
      title: `Widget issue #${i + 1}`,
      state: i % 4 === 0 ? "closed" : "open",
      user: { login: logins[i % logins.length]! },
      labels: [{ name: labelNames[i % labelNames.length]! }],
      comments: i % 7,
      created_at: at,
      updated_at: at,
    };
  });
  const path = "/repos/acme/widgets/issues";
  const server = await startLocalServer((request, response, url) => {
    if (request.headers.authorization !== `Bearer ${token}`)
      return sendJson(response, 401, { message: "Bad credentials" });
    if (url.pathname !== path) return sendJson(response, 404, { message: "Not Found" });
    const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? "30"));
    const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"));
    const newestFirst = [...issues].sort((a, b) => b.number - a.number);
    const last = Math.max(1, Math.ceil(newestFirst.length / perPage));
    const link = (p: number, rel: string) =>
      `<${server.url}${path}?per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const links = [
      ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
      ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
    ];
    sendJson(
      response,
      200,
      newestFirst.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(", ") } : {},
    );
  });
  return {
    ...server,
    issuesPath: path,
    issues: () => structuredClone(issues),
    comment(number) {
      const issue = issues.find((i) => i.number === number);
      if (issue === undefined) throw new Error(`no issue #${number}`);
      issue.comments += 1;
      issue.updated_at = new Date().toISOString();
    },
  };
}
