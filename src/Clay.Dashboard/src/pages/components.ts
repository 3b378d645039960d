import { api } from "../api";
import { bytes, h, link, mount, when } from "../dom";

/** /ui: every component with its latest version and what it exports. */
export async function componentsPage(main: HTMLElement): Promise<void> {
  const components = await api.components();
  mount(main,
    h("h1", null, "Components"),
    components.length === 0
      ? h("p", { class: "empty" }, "No component is deployed yet: ", h("code", null, "clay app deploy"), " uploads them.")
      : h("table", { class: "list", id: "components" },
        h("thead", null, h("tr", null, h("th", null, "name"), h("th", null, "version"), h("th", null, "size"), h("th", null, "uploaded"),
          h("th", null, "exports"))),
        h("tbody", null, components.map(c => h("tr", null,
          h("td", null, link(`/ui/components/${encodeURIComponent(c.name)}`, c.name)),
          h("td", { class: "num" }, c.version),
          h("td", { class: "num" }, bytes(c.size)),
          h("td", null, when(c.createdAt)),
          h("td", { class: "exports" }, c.exports.map(e => h("code", { title: e.signature }, e.name))))))));
}
