import { api, type Stats } from "../api";
import { bytes, count, h, mount } from "../dom";
import { lineChart } from "../chart";

/** How often the page reads the figures. */
const refreshMs = 2000;

/** /ui/server: resident workers, memory against the budget, evictions and invocations per second, with charts. */
export async function serverPage(main: HTMLElement, signal: AbortSignal): Promise<void> {
  const cards = h("div", { class: "cards", id: "server-cards" });
  const charts = h("div", { class: "charts", id: "server-charts" });
  const about = h("p", { class: "muted", id: "server-about" });
  mount(main, h("h1", null, "Server"), about, cards, charts);
  const render = (stats: Stats) => {
    const now = stats.now;
    const used = now.memoryBudget > 0 ? now.memoryUsed / now.memoryBudget : 0;
    about.textContent = `Clay ${stats.version}, up since ${new Date(stats.startedAt).toLocaleString()}`;
    mount(cards,
      card("resident workers", count(now.residentWorkers), "resident"),
      h("div", { class: "card", id: "card-memory" }, h("span", { class: "label" }, "memory of resident workers"),
        h("span", { class: "value" }, `${bytes(now.memoryUsed)} of ${bytes(now.memoryBudget)}`),
        h("div", { class: "meter" }, h("div", { class: used > 0.9 ? "fill high" : "fill", style: `width:${Math.min(100, used * 100).toFixed(1)}%` }))),
      card("evictions", count(now.evictions), "evictions"),
      card("invocations per second", now.invocationsPerSecond.toFixed(1), "rate"),
      card("invocations", `${count(now.invocations)} (${count(now.failedInvocations)} failed)`, "invocations"),
      card("recoveries", count(now.recoveries), "recoveries"),
      card("process memory", bytes(now.processMemory), "process"));
    const history = stats.history;
    const seconds = history.length * stats.intervalSeconds;
    const evictionRate = history.map((s, i) => i === 0 ? 0 : Math.max(0, s.evictions - history[i - 1]!.evictions) / stats.intervalSeconds);
    mount(charts,
      lineChart("chart-invocations", "Invocations per second", [{ label: "invocations/s", values: history.map(s => s.invocationsPerSecond), className: "s1" }],
        v => v.toFixed(0), seconds),
      lineChart("chart-resident", "Resident workers", [{ label: "workers", values: history.map(s => s.residentWorkers), className: "s2" }],
        v => count(Math.round(v)), seconds),
      lineChart("chart-memory", "Memory against the budget", [
        { label: "used", values: history.map(s => s.memoryUsed), className: "s1" },
        { label: "budget", values: history.map(s => s.memoryBudget), className: "s3" }], bytes, seconds),
      lineChart("chart-evictions", "Evictions per second", [{ label: "evictions/s", values: evictionRate, className: "s4" }],
        v => v.toFixed(0), seconds));
  };
  render(await api.stats());
  const timer = window.setInterval(() => { api.stats().then(render, () => { about.textContent = "the server does not answer"; }); }, refreshMs);
  signal.addEventListener("abort", () => window.clearInterval(timer));
}

function card(label: string, value: string, id: string): HTMLElement {
  return h("div", { class: "card", id: `card-${id}` }, h("span", { class: "label" }, label), h("span", { class: "value" }, value));
}
