import { api, workerStatuses, type Component, type Worker } from "../api";
import { bytes, count, h, link, mount, when } from "../dom";

/** /ui/components/NAME: a version's interface (WIT) and the component's workers, filtered and paged. */
export async function componentPage(main: HTMLElement, name: string, params: URLSearchParams): Promise<void> {
  const latest = await api.component(name);
  const requested = params.get("version");
  const shown = requested === null || Number(requested) === latest.version ? latest : await api.component(name, Number(requested));
  const versions = Array.from({ length: latest.version + 1 }, (_, v) => latest.version - v);
  const versionPicker = h("select", { id: "version", "aria-label": "version" },
    versions.map(v => h("option", { value: v, selected: v === shown.version }, `version ${v}${v === latest.version ? " (latest)" : ""}`)));
  versionPicker.addEventListener("change", () => {
    history.pushState(null, "", `/ui/components/${encodeURIComponent(name)}?version=${versionPicker.value}`);
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
  const workers = h("section", { id: "workers" });
  mount(main,
    h("p", { class: "crumbs" }, link("/ui", "Components"), " / ", name),
    h("h1", null, name, " ", versionPicker),
    describe(shown),
    h("h2", null, "Workers"),
    workers);
  await workerList(workers, name);
}

function describe(c: Component): HTMLElement {
  return h("div", { class: "component" },
    h("dl", { class: "facts" },
      h("dt", null, "version"), h("dd", null, c.version),
      h("dt", null, "size"), h("dd", null, bytes(c.size)),
      h("dt", null, "uploaded"), h("dd", null, when(c.createdAt)),
      h("dt", null, "hash"), h("dd", null, h("code", null, c.hash.slice(0, 16)))),
    h("details", { open: true }, h("summary", null, "Interface"), h("pre", { class: "wit", id: "wit" }, c.wit)));
}

/** The worker list: status filter, name search and paging through the list endpoint's cursor. */
async function workerList(container: HTMLElement, component: string): Promise<void> {
  const status = h("select", { id: "status-filter", "aria-label": "status" },
    h("option", { value: "" }, "any status"), workerStatuses.map(s => h("option", { value: s }, s)));
  const search = h("input", { id: "name-search", type: "search", placeholder: "name contains…", "aria-label": "search by name" });
  const size = h("select", { id: "page-size", "aria-label": "page size" }, [20, 50, 100, 500].map(n => h("option", { value: n, selected: n === 50 }, `${n} a page`)));
  const table = h("div", { id: "worker-table" });
  const previous = h("button", { id: "previous-page", type: "button" }, "← previous");
  const next = h("button", { id: "next-page", type: "button" }, "next →");
  const position = h("span", { id: "page-position", class: "muted" });
  // The cursors of the pages shown so far: the list endpoint pages forward only.
  let cursors: (string | null)[] = [null];
  let nextCursor: string | null = null;
  let shown = 0;
  let generation = 0;

  const load = async () => {
    const mine = ++generation;
    const filters: string[] = [];
    if (status.value !== "") filters.push(`status == ${status.value}`);
    if (search.value.trim() !== "") filters.push(`name like ${search.value.trim()}`);
    const started = performance.now();
    try {
      const page = await api.workers(component, filters, Number(size.value), cursors[cursors.length - 1] ?? null);
      if (mine !== generation) return;
      nextCursor = page.cursor;
      const first = shown + 1;
      mount(table, page.workers.length === 0 ? h("p", { class: "empty" }, "No worker matches.") : rows(component, page.workers));
      previous.disabled = cursors.length === 1;
      next.disabled = nextCursor === null;
      position.textContent = page.workers.length === 0 ? "" :
        `page ${cursors.length}: workers ${count(first)}–${count(first + page.workers.length - 1)} (${Math.round(performance.now() - started)} ms)`;
      table.dataset.count = String(page.workers.length);
    } catch (error) {
      if (mine === generation) mount(table, h("p", { class: "error" }, String((error as Error).message)));
    }
  };
  const restart = () => {
    cursors = [null];
    shown = 0;
    void load();
  };
  let typing: number | undefined;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = window.setTimeout(restart, 250);
  });
  status.addEventListener("change", restart);
  size.addEventListener("change", restart);
  next.addEventListener("click", () => {
    if (nextCursor === null) return;
    shown += Number(table.dataset.count ?? 0);
    cursors.push(nextCursor);
    void load();
  });
  previous.addEventListener("click", () => {
    if (cursors.length === 1) return;
    cursors.pop();
    shown = Math.max(0, shown - Number(size.value));
    void load();
  });
  mount(container, h("div", { class: "toolbar" }, status, search, size), table, h("div", { class: "pager" }, previous, position, next));
  await load();
}

function rows(component: string, workers: Worker[]): HTMLElement {
  return h("table", { class: "list" },
    h("thead", null, h("tr", null, h("th", null, "name"), h("th", null, "status"), h("th", null, "version"), h("th", null, "created"),
      h("th", null, "oplog"), h("th", null, "in memory"))),
    h("tbody", null, workers.map(w => h("tr", null,
      h("td", { class: "worker-name" }, link(`/ui/components/${encodeURIComponent(component)}/workers/${encodeURIComponent(w.workerName)}`, w.workerName)),
      h("td", null, h("span", { class: `status status-${w.status.toLowerCase()}` }, w.status)),
      h("td", { class: "num" }, w.componentVersion),
      h("td", null, when(w.createdAt)),
      h("td", { class: "num" }, count(w.oplogLength)),
      h("td", null, w.resident ? "yes" : "no")))));
}
