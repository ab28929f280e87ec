// The offline page. The service worker shows it for any page opened without a network; it is
// the same document for everyone. If an account is still signed in on this device (device.js),
// it shows that account its kept entries (/journal), one entry (/journal/<id>), an editor
// (/journal/new, /journal/<id>/edit) and what waits to be sent; anyone else sees only the
// general words, which name and count nothing.

import * as applock from "./applock.js";
import { startEditor } from "./autosave.js";
import * as copy from "./copy.js";
import * as device from "./device.js";
import * as drafts from "./drafts.js";
import { showWaiting } from "./outbox.js";

const ENTRY = /^\/journal\/([0-9a-f-]{36})(\/edit)?\/?$/;
const path = location.pathname;
const form = document.querySelector("form[data-offline]");

function show(name) {
  for (const view of document.querySelectorAll("[data-view]")) {
    view.hidden = view.dataset.view !== name;
  }
}

function when(iso, zone) {
  const style = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...style, timeZone: zone || undefined }).format(
      new Date(iso),
    );
  } catch {
    return new Date(iso).toLocaleString();
  }
}

// The kind's name, as the editor's own list says it.
function kindLabel(kind) {
  return [...form.elements.namedItem("kind").options].find((o) => o.value === kind)?.text || kind;
}

function noteTheCopy(keys) {
  const text = keys.syncedAt
    ? `You're offline. This is the copy kept on this device, last brought up to date ${when(new Date(keys.syncedAt).toISOString(), keys.timeZone)}.`
    : "You're offline. This is the copy kept on this device.";
  for (const note of document.querySelectorAll("[data-copy-note]")) note.textContent = text;
}

const element = (tag, className, text) =>
  Object.assign(document.createElement(tag), { className, textContent: text });

function listItem(entry, keys) {
  const link = Object.assign(document.createElement("a"), { href: `/journal/${entry.id}` });
  link.append(
    element("span", "entry-title", entry.title || "Untitled"),
    element("span", "entry-meta", `${kindLabel(entry.kind)} · ${when(entry.created_at, keys.timeZone)}`),
    element("span", "entry-snippet", entry.body.length > 140 ? `${entry.body.slice(0, 139)}…` : entry.body),
  );
  const item = element("li", "entry-item", "");
  item.append(link);
  return item;
}

const matches = (entry, words) =>
  [entry.title, entry.body, ...(entry.tags || [])].join("\n").toLowerCase().includes(words);

function home(keys, kept) {
  const list = document.querySelector("[data-entry-list]");
  const empty = document.querySelector("[data-empty]");
  const search = document.querySelector("#offline-q");
  const draw = () => {
    const words = search.value.trim().toLowerCase();
    const found = kept.filter((entry) => !words || matches(entry, words));
    list.replaceChildren(...found.map((entry) => listItem(entry, keys)));
    empty.hidden = found.length > 0;
    if (!keys.offlineReading) {
      empty.textContent = "You chose to keep nothing on this device but what you're writing.";
    } else {
      empty.textContent = words ? "Nothing kept here matches that search." : "No entries are kept on this device yet.";
    }
  };
  search.addEventListener("input", draw);
  document.querySelector("[data-offline-search]").addEventListener("submit", (e) => e.preventDefault());
  draw();
  showWaiting();
  show("home");
}

async function entryView(keys, entry) {
  document.title = `${entry.title || "Entry"} · Alliance Journal`;
  document.querySelector("[data-entry-meta]").textContent =
    `${kindLabel(entry.kind)} · ${when(entry.created_at, keys.timeZone)}`;
  document.querySelector("[data-entry-title]").textContent = entry.title || "Untitled";
  document.querySelector("[data-entry-body]").textContent = entry.body;
  const tags = document.querySelector("[data-entry-tags]");
  tags.replaceChildren(...(entry.tags || []).map((tag) => element("li", "", tag)));
  tags.hidden = !entry.tags?.length;
  document.querySelector("[data-entry-edit]").href = `/journal/${entry.id}/edit`;
  const draft = await drafts.get(entry.id);
  document.querySelector("[data-entry-waiting]").hidden = !(draft && draft.owner === keys.owner);
  show("entry");
}

async function editor(entry) {
  if (entry) {
    document.title = "Edit entry · Alliance Journal";
    document.querySelector("[data-editor-heading]").textContent = "Edit entry";
    Object.assign(form.dataset, { autosave: "update", entryId: entry.id });
    form.action = `/journal/${entry.id}/edit`;
    const version = Object.assign(document.createElement("input"), { type: "hidden", name: "version" });
    version.value = entry.version;
    form.append(version);
    const values = { title: entry.title || "", body: entry.body, tags: (entry.tags || []).join(", ") };
    for (const [name, value] of Object.entries(values)) {
      Object.assign(form.elements.namedItem(name), { value, defaultValue: value }); // as written
    }
    form.elements.namedItem("kind").value = entry.kind;
  }
  await startEditor(form); // first, so not a keystroke is missed
  show("editor");
}

async function render() {
  const keys = await device.current();
  // With the app lock on, a cold start or a page locked here asks for the PIN first: checked
  // against this device's verifier, or, with none, nothing opens until the server can be asked.
  const lockMinutes = keys ? await applock.minutesFor(keys.owner) : 0;
  const lockHere = async () => {
    document.documentElement.classList.add("locking");
    await applock.keepTyping(); // what was typed is kept on the device first
    applock.markLocked();
    document.body.replaceChildren();
    location.reload(); // and the reloaded page asks for the PIN
  };
  if (lockMinutes && applock.lockedHere()) {
    if (!(await applock.knows(keys.owner))) return show("away");
    await applock.askHere(keys.owner);
    location.reload();
    return undefined;
  }
  if (lockMinutes) applock.watchBackground(lockMinutes, lockHere);
  document.querySelector("[data-signed-in]").hidden = !keys;
  const match = path.match(ENTRY);
  if (!keys) return show("away");
  if (path === "/journal/new") return editor(null);
  if (!match && !["/journal", "/journal/"].includes(path)) return show("away");
  noteTheCopy(keys);
  const kept = await copy.entries(keys);
  if (!match) return home(keys, kept);
  const entry = kept.find((e) => e.id === match[1]);
  if (!entry) return show("away");
  return match[2] ? editor(entry) : entryView(keys, entry);
}

// Back online: bring the copy up to date (what was deleted elsewhere leaves it), then open the
// real page. An editor stays put: the outbox sends what it keeps.
window.addEventListener("online", async () => {
  const keys = await device.current();
  if (keys) await copy.refresh(keys);
  if (!form || form.closest("[data-view]").hidden) location.reload();
});
window.addEventListener("journal:locked", () => {
  if (form.closest("[data-view]").hidden) show("away");
});

render();
