// The console's client of the service API. Errors arrive as RFC 9457 problem details and are
// thrown as ApiProblem, so views can show `detail` and point at the field.

export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
  }
}

/**
 * The signed-in user (`name`, `grants`) and the CSRF token the service handed over at login.
 * The session itself is an HttpOnly cookie the console never sees.
 */
export const session = { name: undefined, grants: {}, csrfToken: undefined };

const ROLES = ["viewer", "editor", "approver", "admin"];

/** Whether the signed-in user has at least `role` in the project (or every project). The API decides; this only greys out buttons. */
export function can(role, projectId) {
  const own = ROLES.indexOf(session.grants[projectId] ?? "");
  const everywhere = ROLES.indexOf(session.grants["*"] ?? "");
  return Math.max(own, everywhere) >= ROLES.indexOf(role);
}

async function call(method, path, body) {
  const headers = body === undefined ? {} : { "content-type": "application/json" };
  // Mutating calls of a cookie session carry the CSRF token (the service refuses them without).
  if (method !== "GET" && session.csrfToken) headers["x-csrf-token"] = session.csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get("content-type") ?? "";
  const payload = type.includes("json") ? await response.json() : await response.text();
  if (response.status === 401 && path !== "/auth/login")
    window.dispatchEvent(new Event("synapseops:signed-out"));
  if (!response.ok)
    throw new ApiProblem(
      typeof payload === "object" ? payload : { status: response.status, detail: payload },
    );
  return payload;
}

function remember(who) {
  session.name = who.name;
  session.grants = who.grants ?? {};
  session.csrfToken = who.csrfToken;
  return who;
}

const enc = encodeURIComponent;

export const api = {
  session: async () => remember(await call("GET", "/auth/session")),
  login: async (name, password) => remember(await call("POST", "/auth/login", { name, password })),
  logout: async () => {
    await call("POST", "/auth/logout");
    remember({ grants: {} });
  },
  health: () => call("GET", "/health"),
  projects: () => call("GET", "/projects?limit=200"),
  /** The projects the user can see, each with its blueprints (the sidebar's tree, the runs filter). */
  projectsWithBlueprints: async () =>
    Promise.all(
      (await api.projects()).items.map(async (project) => ({
        project,
        blueprints: (await api.blueprints(project.id)).items,
      })),
    ),
  project: (id) => call("GET", `/projects/${enc(id)}`),
  createProject: (body) => call("POST", "/projects", body),
  connectors: (projectId) => call("GET", `/projects/${enc(projectId)}/connectors`),
  addConnector: (projectId, body) => call("POST", `/projects/${enc(projectId)}/connectors`, body),
  connections: (projectId) => call("GET", `/projects/${enc(projectId)}/connections`),
  startConnection: (projectId, body) => call("POST", `/projects/${enc(projectId)}/connections/connect`, body),
  reconnectConnection: (id) => call("POST", `/connections/${enc(id)}/reconnect`),
  revokeConnection: (id) => call("POST", `/connections/${enc(id)}/revoke`),
  blueprints: (projectId) => call("GET", `/projects/${enc(projectId)}/blueprints?limit=200`),
  generateBlueprint: (projectId, body) => call("POST", `/projects/${enc(projectId)}/blueprints`, body),
  blueprint: (id) => call("GET", `/blueprints/${enc(id)}`),
  editBlueprint: (id, body) => call("PATCH", `/blueprints/${enc(id)}`, body),
  validate: (id) => call("POST", `/blueprints/${enc(id)}/validate`),
  approve: (id) => call("POST", `/blueprints/${enc(id)}/approve`),
  revisions: (id) => call("GET", `/blueprints/${enc(id)}/revisions?limit=500`),
  revision: (id, revision) => call("GET", `/blueprints/${enc(id)}/revisions/${revision}`),
  diff: (id, from, to) => call("GET", `/blueprints/${enc(id)}/diff?from=${from}&to=${to}`),
  testMapping: (id, body) => call("POST", `/blueprints/${enc(id)}/mapping-tests`, body),
  mappingFunctions: () => call("GET", "/mapping/functions"),
  startRun: (id, body) => call("POST", `/blueprints/${enc(id)}/runs`, body),
  runs: (id) => call("GET", `/blueprints/${enc(id)}/runs?limit=500`),
  run: (id) => call("GET", `/runs/${enc(id)}`),
  allRuns: (params) => call("GET", `/runs?${params}`),
  logs: (id) => call("GET", `/runs/${enc(id)}/logs?limit=500`),
  cancelRun: (id) => call("POST", `/runs/${enc(id)}/cancel`),
  parked: (id) => call("GET", `/runs/${enc(id)}/parked`),
  retryParked: (id, recordKey) => call("POST", `/runs/${enc(id)}/parked/retry-now`, { recordKey }),
  cancelParked: (id, recordKey) => call("POST", `/runs/${enc(id)}/parked/cancel`, { recordKey }),
  recordSteps: (id, recordKey) => call("GET", `/runs/${enc(id)}/records/${enc(recordKey)}/steps`),
  queue: () => call("GET", "/queue"),
  deadLetters: (params) => call("GET", `/dead-letters?${params}`),
  replay: (ids) => call("POST", "/dead-letters/replay", { deadLetterIds: ids }),
  replayMatching: (blueprintId, filter) =>
    call("POST", `/blueprints/${enc(blueprintId)}/dead-letters/replay`, filter),
  alerts: (projectId) => call("GET", `/projects/${enc(projectId)}/alerts`),
  createAlert: (projectId, body) => call("POST", `/projects/${enc(projectId)}/alerts`, body),
  deleteAlert: (id) => call("DELETE", `/alerts/${enc(id)}`),
  schedules: (blueprintId) => call("GET", `/blueprints/${enc(blueprintId)}/schedules?limit=500`),
  schedule: (id) => call("GET", `/schedules/${enc(id)}`),
  scheduleFires: (id, limit) => call("GET", `/schedules/${enc(id)}/fires?limit=${limit}`),
  createSchedule: (blueprintId, body) => call("POST", `/blueprints/${enc(blueprintId)}/schedules`, body),
  pauseSchedule: (id) => call("POST", `/schedules/${enc(id)}/pause`),
  resumeSchedule: (id) => call("POST", `/schedules/${enc(id)}/resume`),
  deleteSchedule: (id) => call("DELETE", `/schedules/${enc(id)}`),
  environments: (projectId) => call("GET", `/projects/${enc(projectId)}/environments`),
  putEnvironment: (projectId, name, body) =>
    call("PUT", `/projects/${enc(projectId)}/environments/${enc(name)}`, body),
  sandbox: (channel) => call("GET", `/sandbox/${enc(channel)}`),
  setSandbox: (channel, rejectWhen) => call("PUT", `/sandbox/${enc(channel)}`, { rejectWhen }),
  exportUrl: (id) => `/blueprints/${enc(id)}/export`,
};

/** Reads a JSON textarea; a syntax error names the field. */
export function parseJsonField(text, label) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiProblem({ status: 400, detail: `${label} is not valid JSON: ${error.message}` });
  }
}
