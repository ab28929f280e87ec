// The feedback composer's words, kept on this device while someone writes them: sealed like
// journal drafts, to the signed-in account's key for this device, but never sent by the outbox
// (it sends only "pending" drafts). Feedback is hard to write; a sign-out or an idle timeout between
// typing and saving must not lose it. The composer brings the words back, and they are
// forgotten once the feedback is saved.

import * as drafts from "./drafts.js";
import { owner } from "./outbox.js";

export const MODE = "compose";
const FIELDS = ["what", "instead", "difficulty", "raise_how", "title"];
let me = null;

function read(form) {
  const data = new FormData(form);
  const fields = Object.fromEntries(FIELDS.map((name) => [name, data.get(name) || ""]));
  fields.topics = data.getAll("topics");
  return fields;
}

function fill(form, fields) {
  for (const name of FIELDS) {
    for (const input of form.querySelectorAll(`[name="${name}"]`)) {
      if (input.type === "radio") input.checked = input.value === String(fields[name]);
      else input.value = fields[name] || "";
    }
  }
  for (const box of form.querySelectorAll('[name="topics"]')) {
    box.checked = (fields.topics || []).includes(box.value);
  }
}

function blank(fields) {
  return FIELDS.every((name) => !String(fields[name] || "").trim()) && !fields.topics.length;
}

// Only a compose draft is touched: the journal editor keeps its own drafts under entry ids too.
function replace(id, next) {
  return drafts.update(id, (found) => (found && found.mode !== MODE ? found : next));
}

async function keep(form) {
  if (!me) return null;
  const id = form.elements.namedItem("id").value;
  const fields = read(form);
  if (blank(fields)) return replace(id, null);
  const sealed = await drafts.seal(me, fields);
  return replace(id, { id, owner: me, mode: MODE, state: "composing", sealed, savedAt: Date.now() });
}

async function kept(wanted) {
  const mine = (await drafts.mine(me)).filter((draft) => draft.mode === MODE);
  const draft = mine.find((d) => d.id === wanted) || mine.at(-1);
  const fields = draft && (await drafts.unseal(me, draft.sealed).catch(() => null));
  return fields && { id: draft.id, fields };
}

async function restore(form) {
  const found = await kept(new URLSearchParams(location.hash.slice(1)).get("draft"));
  if (!found) return;
  const fresh = { id: form.elements.namedItem("id").value, fields: read(form) };
  form.elements.namedItem("id").value = found.id; // the same id, so saving twice still makes one entry
  fill(form, found.fields);
  const notice = document.querySelector("[data-kept]");
  if (!notice) return;
  notice.hidden = false;
  notice.querySelector("button").addEventListener("click", () => {
    form.elements.namedItem("id").value = fresh.id;
    fill(form, fresh.fields);
    notice.hidden = true;
    form.querySelector("textarea")?.focus();
    replace(found.id, null);
  });
}

// Listen from the first moment; each save waits for the key (and for any words brought back).
function watch(form, ready) {
  let saving = ready;
  let sending = false;
  const save = () => {
    saving = saving.then(() => keep(form)).catch(() => null);
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  // Hold the submit until the words are on the device, in case the session ran out meanwhile.
  form.addEventListener("submit", (event) => {
    if (sending) return;
    event.preventDefault();
    save();
    saving.then(() => {
      sending = true;
      form.requestSubmit(event.submitter);
    });
  });
}

async function start(form) {
  me = await owner();
  if (!me) return;
  for (const id of document.querySelectorAll("[data-composed]")) {
    await replace(id.dataset.composed, null); // saved: the words now live in the journal
  }
  if (!form) return;
  if (form.dataset.composer === "fresh") await restore(form);
  else await keep(form); // posted back from the preview, or with errors: keep what is shown
}

const composer = document.querySelector("form[data-composer]");
const ready = start(composer).catch(() => null);
if (composer) watch(composer, ready);
