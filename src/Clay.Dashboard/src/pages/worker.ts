import { api, ApiError, type Worker } from "../api";
import { bytes, count, h, link, mount, when } from "../dom";
import { invokeForm } from "../invoke";
import { liveLogs } from "../logs";
import { oplogTimeline } from "../oplog";

/** /ui/components/C/workers/W: status, memory, pending invocations, the invoke form, live logs and the oplog. */
export async function workerPage(main: HTMLElement, component: string, name: string, signal: AbortSignal): Promise<void> {
  const info = h("section", { id: "worker-info" });
  const invoke = h("section", { id: "invoke" });
  const logs = h("section", { id: "logs" });
  const oplog = h("section", { id: "oplog" });
  const componentLink = `/ui/components/${encodeURIComponent(component)}`;
  mount(main,
    h("p", { class: "crumbs" }, link("/ui", "Components"), " / ", link(componentLink, component), " / ", name),
    h("h1", null, name),
    info,
    h("div", { class: "columns" },
      h("div", null, h("h2", null, "Invoke"), invoke, h("h2", null, "Live log"), logs),
      h("div", null, h("h2", null, "Oplog"), oplog)));

  let worker: Worker;
  try {
    worker = await api.worker(component, name);
  } catch (error) {
    if (error instanceof ApiError && error.code === "worker-not-found") {
      mount(info, h("p", { class: "empty" }, `There is no worker ${name}: invoking a function creates it.`));
      worker = { oplogLength: 0, componentVersion: -1 } as Worker;
    } else {
      throw error;
    }
  }
  if (worker.componentVersion >= 0) mount(info, facts(worker));
  const timeline = oplogTimeline(oplog, component, name);
  const refresh = async () => {
    const now = await api.worker(component, name);
    mount(info, facts(now));
    await timeline.showNewest(now.oplogLength);
  };
  const version = worker.componentVersion >= 0 ? worker.componentVersion : (await api.component(component)).version;
  await invokeForm(invoke, component, name, version, refresh);
  liveLogs(logs, component, name, worker.oplogLength, signal);
  await timeline.showNewest(worker.oplogLength);
}

function facts(w: Worker): HTMLElement {
  return h("dl", { class: "facts", id: "worker-facts" },
    h("dt", null, "status"), h("dd", null, h("span", { class: `status status-${w.status.toLowerCase()}`, id: "worker-status" }, w.status)),
    h("dt", null, "component version"), h("dd", null, w.componentVersion),
    h("dt", null, "memory"), h("dd", null, `${bytes(w.memoryNow)} (at start ${bytes(w.memoryAtStartup)})`),
    h("dt", null, "pending invocations"), h("dd", { id: "worker-pending" }, w.pendingInvocations),
    h("dt", null, "retries"), h("dd", null, w.retryCount),
    h("dt", null, "oplog entries"), h("dd", { id: "worker-oplog-length" }, count(w.oplogLength)),
    h("dt", null, "in memory"), h("dd", null, w.resident ? "yes" : "no"),
    h("dt", null, "created"), h("dd", null, when(w.createdAt)),
    w.args.length > 0 ? [h("dt", null, "arguments"), h("dd", null, w.args.join(" "))] : null,
    Object.keys(w.env).length > 0 ? [h("dt", null, "environment"), h("dd", null, Object.entries(w.env).map(([k, v]) => `${k}=${v}`).join(" "))] : null,
    w.lastError ? [h("dt", null, "last error"), h("dd", { class: "error" }, w.lastError)] : null);
}
