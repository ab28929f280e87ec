// The entry editor: every keystroke is kept on this device first, then the outbox sends it.
// Without this script the form still posts normally; with it, nothing typed waits for a click.

import * as drafts from "./drafts.js";
import { flush, owner } from "./outbox.js";

const KEEP_MS = 300; // write to this device soon after typing stops
const SEND_MS = 1200; // and to the server a little later

let form = null;
let status = null;
let me = null;
let id = null;
let mode = null;
let version = null;
let keepTimer = null;
let sendTimer = null;
let dirty = false;
let savePressed = false; // Save was pressed on this page
let savedOffline = false; // ...while offline: move on to the entry once it is sent
let ready = Promise.resolve(false);

const field = (name) => form.elements.namedItem(name);

function say(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function fields() {
  const tags = field("tags").value.split(",").map((t) => t.trim()).filter(Boolean);
  const promptField = field("prompt_id");
  const taskField = field("task_id");
  return {
    kind: field("kind").value,
    title: field("title").value,
    body: field("body").value,
    tags,
    prompt_id: promptField && promptField.value ? promptField.value : null,
    task_id: taskField && taskField.value ? taskField.value : null,
  };
}

function fill(values) {
  field("kind").value = values.kind;
  field("title").value = values.title;
  field("body").value = values.body;
  field("tags").value = values.tags.join(", ");
}

function becomeEdit(newVersion) {
  mode = "update";
  version = newVersion;
  form.action = `/journal/${id}/edit`;
  let versionField = field("version");
  if (!versionField) {
    versionField = Object.assign(document.createElement("input"), { type: "hidden", name: "version" });
    form.append(versionField);
  }
  versionField.value = newVersion;
}

async function keep() {
  clearTimeout(keepTimer);
  if (!(await ready) || !dirty || !field("body").value) return false;
  dirty = false;
  await drafts.save(id, me, fields(), { mode, baseVersion: version });
  say("local", navigator.onLine ? "Saved on this device…" : "Saved on this device. It will be sent when you're back online.");
  clearTimeout(sendTimer);
  sendTimer = setTimeout(flush, SEND_MS);
  return true;
}

function button(label, className, onClick) {
  const b = Object.assign(document.createElement("button"), { type: "button", className, textContent: label });
  b.addEventListener("click", onClick);
  return b;
}

async function showChoice(draft) {
  document.querySelector(".conflict")?.remove();
  const box = Object.assign(document.createElement("div"), { className: "notice notice-error conflict" });
  const heading = Object.assign(document.createElement("p"), {
    textContent: draft.state === "conflict"
      ? "This entry was changed somewhere else. Nothing was overwritten: choose which words to keep."
      : draft.problem || "These words could not be sent.",
  });
  box.append(heading);
  if (draft.state === "conflict" && draft.current) {
    const current = await drafts.unseal(me, draft.current);
    const saved = Object.assign(document.createElement("div"), { className: "entry-body", textContent: current.body });
    box.append(Object.assign(document.createElement("p"), { textContent: "The saved version says:" }), saved);
    box.append(
      button("Keep what I wrote", "button", async () => {
        await drafts.update(id, (d) => d && { ...d, state: "pending", baseVersion: current.version, current: null });
        box.remove();
        say("local", "Sending your version…");
        flush();
      }),
      button("Keep the saved one", "button button-quiet", async () => {
        await drafts.forget(id);
        fill(current);
        becomeEdit(current.version);
        box.remove();
        say("saved", "Saved");
      }),
    );
  } else if (draft.state === "orphan") {
    box.append(
      button("Save as a new entry", "button", async () => {
        const values = await drafts.unseal(me, draft.sealed);
        await drafts.forget(id);
        id = crypto.randomUUID();
        mode = "create";
        version = null;
        await drafts.save(id, me, values, { mode, baseVersion: null });
        box.remove();
        flush();
      }),
    );
  }
  status.after(box);
}

// After Save while offline: say so plainly, and offer the way back to the journal, where the
// entry waits under "Kept on this device"; the page moves on by itself once it is sent.
function showOfflineSaved() {
  savedOffline = true;
  if (form.querySelector("[data-offline-saved]")) return;
  const box = Object.assign(document.createElement("div"), { className: "notice offline-saved" });
  box.dataset.offlineSaved = "";
  box.setAttribute("role", "status");
  const words = Object.assign(document.createElement("p"), {
    textContent:
      "You're offline, so your entry is saved on this device for now. Nothing is lost: it is sent by itself when the connection comes back, and this page then moves on to it.",
  });
  const back = Object.assign(document.createElement("a"), {
    className: "button button-quiet",
    href: "/journal",
    textContent: "Back to your journal",
  });
  box.append(words, back);
  status.after(box);
}

async function onSync(event) {
  const detail = event.detail;
  if (detail.id && detail.id !== id) return;
  if (detail.type === "synced") {
    becomeEdit(detail.version);
    if (!detail.pending) say("saved", "Saved");
    // Saved while offline, still here when it went: on to the entry, as a save online would.
    if (savedOffline && !detail.pending) window.location.assign(`/journal/${id}`);
  } else if (["conflict", "orphan", "invalid"].includes(detail.type)) {
    say("error", detail.type === "conflict" ? "Not sent yet: please choose below." : detail.problem || "Not sent yet.");
    const draft = await drafts.get(id);
    if (draft) showChoice(draft);
  } else if (detail.type === "signed-out") {
    say("error", "Saved on this device. Sign in again and it will be sent.");
  } else if (detail.type === "offline") {
    say("local", "Saved on this device. It will be sent when you're back online.");
    if (savePressed) showOfflineSaved();
  }
}

async function start() {
  if (mode === "create") {
    const wanted = new URLSearchParams(location.hash.slice(1)).get("draft");
    const found = wanted && (await drafts.get(wanted));
    id = found && found.owner === me ? wanted : crypto.randomUUID();
    field("id").value = id;
  } else {
    id = form.dataset.entryId;
    version = Number(field("version").value);
  }
  const draft = await drafts.get(id);
  if (draft && draft.owner === me) {
    fill(await drafts.unseal(me, draft.sealed));
    if (draft.mode === "update" && mode === "create") becomeEdit(draft.baseVersion);
    if (draft.state === "pending") {
      say("local", "We brought back words you hadn't sent yet.");
      flush();
    } else {
      say("error", "Not sent yet: please choose below.");
      showChoice(draft);
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!field("body").value) {
      say("error", "Write something first, then save.");
      return;
    }
    savePressed = true;
    await keep();
    clearTimeout(sendTimer);
    await flush();
    if (!(await drafts.get(id))) window.location.assign(`/journal/${id}`);
    else if (!navigator.onLine) showOfflineSaved();
  });
  // Leaving the page: make sure the latest words are on this device.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") keep();
  });
  window.addEventListener("journal:sync", onSync);
  // The app is about to lock or leave: keep what was typed first (lock.js waits for it).
  window.addEventListener("journal:keep", (event) => event.detail?.waits?.push(keep()));
}

// Keep every keystroke of this form on the device; the offline page starts its own editor.
// Words typed before the key is ready are noticed at once and kept as soon as it is.
export function startEditor(target) {
  form = target;
  status = form.querySelector(".save-status");
  mode = form.dataset.autosave;
  const changed = () => {
    dirty = true;
    clearTimeout(keepTimer);
    keepTimer = setTimeout(keep, KEEP_MS);
  };
  form.addEventListener("input", changed);
  // Typed before this script ran (a slow connection): keep that too.
  if (["title", "body", "tags"].some((name) => field(name).value !== field(name).defaultValue)) {
    changed();
  }
  ready = (async () => {
    me = window.crypto?.subtle ? await owner() : null;
    if (!status || !me) return false;
    await start();
    return true;
  })();
  return ready;
}

const onPage = document.querySelector("form[data-autosave]:not([data-offline])");
if (onPage) startEditor(onPage);
