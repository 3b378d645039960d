// The REST API the dashboard reads: the same routes the clay CLI uses (see /openapi/v1.json).

export interface Export { name: string; signature: string }
export interface Component {
  name: string; id: string; version: number; size: number; createdAt: string; hash: string; wit: string; exports: Export[];
}
export interface Worker {
  componentName: string; workerName: string; componentVersion: number; componentSize: number; status: string; createdAt: string;
  args: string[]; env: Record<string, string>; memoryAtStartup: number; memoryNow: number; pendingInvocations: number;
  retryCount: number; lastError: string | null; oplogLength: number; resident: boolean;
}
export interface WorkerPage { workers: Worker[]; cursor: string | null }
export interface OplogEntry { index: number; timestamp: string; kind: string; fields: [string, string][] }
export interface OplogPage { entries: OplogEntry[]; next: number | null }
export interface Parameter { name: string; type: string; definitions: string[]; example: string }
export interface FunctionShape { name: string; signature: string; parameters: Parameter[]; result: string | null }
export interface FunctionList { component: string; version: number; functions: FunctionShape[] }
export interface InvokeResult { idempotencyKey: string; function: string; result: { wave: string; json: unknown } | null }
export interface StatsSample {
  time: string; residentWorkers: number; memoryUsed: number; memoryBudget: number; evictions: number; recoveries: number;
  invocations: number; failedInvocations: number; invocationsPerSecond: number; oplogEntries: number; processMemory: number;
}
export interface Stats { version: string; startedAt: string; intervalSeconds: number; now: StatsSample; history: StatsSample[] }

/** An error the API answered with: its stable code and message. */
export class ApiError extends Error {
  constructor(public readonly code: string, message: string, public readonly status: number) {
    super(message);
  }
}

const statuses = ["Running", "Idle", "Suspended", "Interrupted", "Retrying", "Failed", "Exited"] as const;
export const workerStatuses: readonly string[] = statuses;

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  // The dashboard header tells the server this request comes from the dashboard's own page (see docs/dashboard.md).
  const headers = { "X-Clay-Dashboard": "1", ...(init?.body ? { "Content-Type": "application/json" } : {}) };
  const response = await fetch(path, { ...init, headers });
  const text = await response.text();
  const body: unknown = text.length > 0 ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = (body as { error?: { code: string; message: string } } | null)?.error;
    throw new ApiError(error?.code ?? "http-" + response.status, error?.message ?? response.statusText, response.status);
  }
  return body as T;
}

const enc = encodeURIComponent;
const workerPath = (component: string, worker: string) => `/v1/components/${enc(component)}/workers/${enc(worker)}`;

export const api = {
  components: () => request<{ components: Component[] }>("/v1/components").then(r => r.components),
  component: (name: string, version?: number) =>
    request<Component>(`/v1/components/${enc(name)}${version === undefined ? "" : `?version=${version}`}`),
  functions: (name: string, version: number) => request<FunctionList>(`/v1/components/${enc(name)}/functions?version=${version}`),
  workers(component: string, filters: string[], count: number, cursor: string | null): Promise<WorkerPage> {
    const query = new URLSearchParams();
    for (const filter of filters) query.append("filter", filter);
    query.set("count", String(count));
    if (cursor !== null) query.set("cursor", cursor);
    return request<WorkerPage>(`/v1/components/${enc(component)}/workers?${query}`);
  },
  worker: (component: string, worker: string) => request<Worker>(workerPath(component, worker)),
  oplog(component: string, worker: string, from: number, count: number, query: string): Promise<OplogPage> {
    const params = new URLSearchParams({ from: String(from), count: String(count) });
    if (query.trim().length > 0) params.set("query", query);
    return request<OplogPage>(`${workerPath(component, worker)}/oplog?${params}`);
  },
  invoke: (component: string, worker: string, fn: string, args: string[]) =>
    request<InvokeResult>(`${workerPath(component, worker)}/invoke`, { method: "POST", body: JSON.stringify({ function: fn, args }) }),
  logsUrl: (component: string, worker: string, after: number | null) =>
    `${workerPath(component, worker)}/logs${after === null ? "" : `?after=${after}`}`,
  stats: () => request<Stats>("/v1/server/stats"),
};
