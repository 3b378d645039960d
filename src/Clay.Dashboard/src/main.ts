import { componentPage } from "./pages/component";
import { componentsPage } from "./pages/components";
import { serverPage } from "./pages/server";
import { workerPage } from "./pages/worker";
import { h, link, mount } from "./dom";

// The dashboard is one page: paths under /ui are routed here, and the server answers every one of
// them with the same index.html.

const main = h("main", { id: "page" });
const nav = h("nav", null, h("span", { class: "brand" }, "Clay"), link("/ui", "Components"), link("/ui/server", "Server"));
document.body.replaceChildren(h("header", null, nav), main);

let current: AbortController | null = null;

async function route(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const params = new URLSearchParams(location.search);
  const parts = location.pathname.replace(/\/+$/, "").split("/").slice(2).map(decodeSafe); // "", "ui", …
  for (const a of nav.querySelectorAll("a")) a.classList.toggle("active", a.getAttribute("href") === (parts[0] === "server" ? "/ui/server" : "/ui"));
  main.setAttribute("aria-busy", "true");
  try {
    if (parts.length === 0 || parts[0] === "") {
      document.title = "Clay: components";
      await componentsPage(main);
    } else if (parts[0] === "server") {
      document.title = "Clay: server";
      await serverPage(main, controller.signal);
    } else if (parts[0] === "components" && parts.length === 2) {
      document.title = `Clay: ${parts[1]}`;
      await componentPage(main, parts[1]!, params);
    } else if (parts[0] === "components" && parts.length === 4 && parts[2] === "workers") {
      document.title = `Clay: ${parts[1]}/${parts[3]}`;
      await workerPage(main, parts[1]!, parts[3]!, controller.signal);
    } else {
      mount(main, h("h1", null, "Not found"), h("p", null, "No such page. ", link("/ui", "Components")));
    }
  } catch (error) {
    if (!controller.signal.aborted) mount(main, h("h1", null, "Something went wrong"), h("p", { class: "error", id: "page-error" }, String((error as Error).message)));
  } finally {
    if (current === controller) main.setAttribute("aria-busy", "false");
  }
}

function decodeSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

document.addEventListener("click", event => {
  const anchor = (event.target as Element | null)?.closest("a[data-link]");
  if (!anchor || !(anchor instanceof HTMLAnchorElement) || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  history.pushState(null, "", anchor.href);
  void route();
});
window.addEventListener("popstate", () => void route());
void route();
