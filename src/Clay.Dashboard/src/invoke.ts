import { api, ApiError } from "./api";
import { h, mount } from "./dom";

/** A form per exported function: one WAVE field per parameter, typed and pre-filled with an example. */
export async function invokeForm(container: HTMLElement, component: string, worker: string, version: number,
  onInvoked: () => Promise<void>): Promise<void> {
  const { functions } = await api.functions(component, version);
  if (functions.length === 0) {
    mount(container, h("p", { class: "empty" }, "This component exports no function."));
    return;
  }
  const picker = h("select", { id: "function", "aria-label": "function" }, functions.map(f => h("option", { value: f.name }, f.name)));
  const fields = h("div", { class: "parameters" });
  const result = h("div", { id: "invoke-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", id: "invoke-submit" }, "Invoke");
  const form = h("form", { id: "invoke-form" }, h("label", null, "function ", picker), h("code", { class: "signature", id: "signature" }), fields,
    h("div", null, submit), result);

  const show = () => {
    const fn = functions.find(f => f.name === picker.value)!;
    form.querySelector("#signature")!.textContent = fn.signature;
    mount(fields, fn.parameters.map((p, i) => h("label", { class: "parameter" },
      h("span", null, h("b", null, p.name), ": ", h("code", { class: "type" }, p.type)),
      h("textarea", { name: `arg${i}`, rows: Math.min(6, 1 + p.example.split("\n").length), spellcheck: false, "data-parameter": p.name }, p.example),
      p.definitions.length > 0 ? h("pre", { class: "definition" }, p.definitions.join("\n")) : null)));
    mount(result);
  };
  picker.addEventListener("change", show);
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const args = [...fields.querySelectorAll("textarea")].map(t => t.value);
    submit.disabled = true;
    mount(result, h("p", { class: "muted" }, "running…"));
    try {
      const answer = await api.invoke(component, worker, picker.value, args);
      mount(result, h("div", { class: "ok" }, h("span", { class: "muted" }, "result"),
        h("pre", { id: "invoke-output" }, answer.result === null ? "(no result)" : answer.result.wave),
        h("span", { class: "muted" }, `idempotency key ${answer.idempotencyKey}`)));
      await onInvoked();
    } catch (error) {
      const code = error instanceof ApiError ? error.code : "error";
      mount(result, h("div", { class: "error", id: "invoke-error" }, h("b", null, code), ": ", (error as Error).message));
    } finally {
      submit.disabled = false;
    }
  });
  mount(container, form);
  show();
}
