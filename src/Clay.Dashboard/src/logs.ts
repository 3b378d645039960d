import { api } from "./api";
import { h, mount } from "./dom";

interface LogEvent { index: number; timestamp: string; level: string; context: string; message: string }

/** How many oplog entries back the panel looks for earlier lines when it opens. */
const lookBack = 500;
/** Lines kept on screen. */
const kept = 1000;

/**
 * The worker's log lines as it writes them: server-sent events whose ids are oplog indexes, so the
 * browser's own reconnect (Last-Event-ID) resumes without repeating a line.
 */
export function liveLogs(container: HTMLElement, component: string, worker: string, oplogLength: number, signal: AbortSignal): void {
  const state = h("span", { class: "muted", id: "log-state" }, "connecting…");
  const lines = h("ol", { class: "log-lines", id: "log-lines" });
  mount(container, h("div", { class: "log-head" }, state), lines);
  const source = new EventSource(api.logsUrl(component, worker, Math.max(0, oplogLength - lookBack)));
  signal.addEventListener("abort", () => source.close());
  source.addEventListener("open", () => { state.textContent = "live"; });
  source.addEventListener("error", () => { state.textContent = source.readyState === EventSource.CLOSED ? "closed" : "reconnecting…"; });
  source.addEventListener("log", event => {
    const line = JSON.parse((event as MessageEvent<string>).data) as LogEvent;
    lines.append(h("li", { class: `log log-${line.level}`, "data-index": line.index },
      h("time", { datetime: line.timestamp }, new Date(line.timestamp).toLocaleTimeString()),
      h("span", { class: "level" }, line.level),
      line.context ? h("span", { class: "context" }, line.context) : null,
      h("span", { class: "message" }, line.message)));
    while (lines.childElementCount > kept) lines.firstElementChild!.remove();
    lines.scrollTop = lines.scrollHeight;
  });
  source.addEventListener("gap", event => {
    const gap = JSON.parse((event as MessageEvent<string>).data) as { message: string };
    lines.append(h("li", { class: "log log-gap" }, gap.message));
  });
  source.addEventListener("overflow", () => { state.textContent = "catching up…"; });
}
