// Autosave for the entry form: saves through the API a moment after typing stops.
// The form still works without this script; with it, nothing typed waits for a click.

const DELAY_MS = 1500;

const form = document.querySelector("form[data-autosave]");
const status = form && form.querySelector(".save-status");
let timer = null;
let saving = null;
let dirty = false;
let halted = false;

function say(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function field(name) {
  return form.elements.namedItem(name);
}

function payload() {
  const tags = field("tags").value.split(",").map((t) => t.trim()).filter(Boolean);
  const data = { kind: field("kind").value, title: field("title").value, body: field("body").value, tags };
  if (form.dataset.autosave === "create") {
    data.id = field("id").value;
    if (field("prompt_id").value) data.prompt_id = field("prompt_id").value;
  } else {
    data.version = Number(field("version").value);
  }
  return data;
}

function becomeEdit(entry) {
  // Once created, later saves are edits of that entry, and Save goes to the edit page.
  form.dataset.autosave = "update";
  form.dataset.api = `/api/v1/entries/${entry.id}`;
  form.action = `/journal/${entry.id}/edit`;
  const version = document.createElement("input");
  version.type = "hidden";
  version.name = "version";
  form.append(version);
}

function showConflict(current) {
  halted = true;
  say("error", "This entry was changed somewhere else. Nothing was overwritten.");
  const box = document.createElement("div");
  box.className = "notice notice-error conflict";
  const intro = document.createElement("p");
  intro.textContent = "The saved version says:";
  const saved = document.createElement("div");
  saved.className = "entry-body";
  saved.textContent = current.body;
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "button";
  keep.textContent = "Keep what I wrote";
  keep.addEventListener("click", () => {
    field("version").value = current.version;
    box.remove();
    halted = false;
    save();
  });
  const reload = document.createElement("a");
  reload.className = "button button-quiet";
  reload.href = `/journal/${current.id}`;
  reload.textContent = "Keep the saved one";
  box.append(intro, saved, keep, reload);
  status.after(box);
}

async function send() {
  const data = payload();
  if (!data.body) return true;
  const method = form.dataset.autosave === "create" ? "POST" : "PATCH";
  say("saving", "Saving…");
  let response;
  try {
    response = await fetch(form.dataset.api, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": field("csrf_token").value },
      body: JSON.stringify(data),
    });
  } catch {
    say("offline", "You're offline. Your words are still here; we'll try again.");
    return false;
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    if (method === "POST") becomeEdit(body);
    field("version").value = body.version;
    say("saved", "Saved");
    return true;
  }
  if (response.status === 409 && body.error && body.error.current) {
    showConflict(body.error.current);
  } else if (response.status === 401) {
    say("error", "You've been signed out. Your words are still on this page: sign in in another tab, then press Save.");
  } else {
    const fields = (body.error && body.error.fields) || {};
    const problems = Object.values(fields).flat().join(" ");
    say("error", problems || (body.error && body.error.message) || "Not saved yet.");
  }
  return false;
}

async function save() {
  if (halted) return false;
  clearTimeout(timer);
  if (saving) await saving;
  dirty = false;
  saving = send();
  const ok = await saving;
  saving = null;
  if (!ok && !halted) dirty = true;
  return ok;
}

function schedule() {
  dirty = true;
  clearTimeout(timer);
  timer = setTimeout(save, DELAY_MS);
}

if (form && status) {
  form.addEventListener("input", schedule);
  form.addEventListener("submit", async (event) => {
    // An empty entry goes to the server, which explains what is missing.
    if (!field("body").value) return;
    // Save through the API so the last keystrokes are never left behind, then show the entry.
    event.preventDefault();
    const unsaved = dirty || form.dataset.autosave === "create";
    if (!unsaved || (await save())) {
      window.location.assign(form.dataset.api.replace("/api/v1/entries/", "/journal/"));
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && dirty) save();
  });
  window.addEventListener("online", () => dirty && save());
}
