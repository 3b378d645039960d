import { api, type OplogEntry } from "./api";
import { count, h, mount } from "./dom";

/** Entries a page shows. */
const pageSize = 50;

/** The timeline's handle: show the newest entries (after an invocation, say). */
export interface Timeline { showNewest(oplogLength: number): Promise<void> }

/** The oplog as a timeline, filtered with the same query language as `clay worker oplog --query`. */
export function oplogTimeline(container: HTMLElement, component: string, worker: string): Timeline {
  const query = h("input", { id: "oplog-query", type: "search", placeholder: "query, e.g. add-item AND product-id:p1", "aria-label": "oplog query" });
  const from = h("input", { id: "oplog-from", type: "number", min: 1, value: 1, "aria-label": "from index" });
  const apply = h("button", { type: "submit" }, "Show");
  const list = h("ol", { class: "timeline", id: "oplog-entries" });
  const more = h("button", { type: "button", id: "oplog-more", hidden: true }, "more");
  const status = h("p", { class: "muted", id: "oplog-status" });
  const form = h("form", { class: "toolbar" }, query, h("label", null, "from ", from), apply);
  let next: number | null = null;

  const load = async (start: number, append: boolean) => {
    try {
      const page = await api.oplog(component, worker, start, pageSize, query.value);
      if (!append) list.replaceChildren();
      for (const entry of page.entries) list.append(item(entry));
      next = page.next;
      more.hidden = next === null;
      status.textContent = list.childElementCount === 0 ? "No entry matches." : `${count(list.childElementCount)} entries shown`;
      status.classList.remove("error");
    } catch (error) {
      status.textContent = (error as Error).message;
      status.classList.add("error");
    }
  };
  form.addEventListener("submit", event => {
    event.preventDefault();
    void load(Math.max(1, Number(from.value) || 1), false);
  });
  more.addEventListener("click", () => { if (next !== null) void load(next, true); });
  mount(container, form, status, list, more);
  return {
    async showNewest(length: number) {
      // Without a query the newest page starts a page before the end; a query searches from the start.
      const start = query.value.trim() === "" ? Math.max(1, length - pageSize + 1) : Math.max(1, Number(from.value) || 1);
      from.value = String(start);
      await load(start, false);
    },
  };
}

function item(entry: OplogEntry): HTMLElement {
  return h("li", { class: `entry kind-${entry.kind}`, "data-index": entry.index, "data-kind": entry.kind },
    h("div", { class: "entry-head" },
      h("span", { class: "index" }, `#${entry.index}`),
      h("span", { class: "kind" }, entry.kind),
      h("time", { datetime: entry.timestamp }, new Date(entry.timestamp).toLocaleTimeString())),
    entry.fields.length === 0 ? null : h("dl", { class: "fields" }, entry.fields.map(([name, value]) => [h("dt", null, name), h("dd", null, value)])));
}
