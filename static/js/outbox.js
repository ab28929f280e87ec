// The outbox: sends drafts kept on this device to the server, each exactly once, and only under
// the session of the account that wrote them. It runs on load, when the network returns, when
// the page becomes visible, and on a timer; Background Sync (Chromium only) merely wakes it up.

import { call } from "./api.js";
import * as copy from "./copy.js";
import * as device from "./device.js";
import * as drafts from "./drafts.js";

const RETRY_MS = 30_000;
let running = null;
let again = false;

// The account this page writes for (see device.writer).
export const owner = () => device.writer();

function announce(type, detail) {
  window.dispatchEvent(new CustomEvent("journal:sync", { detail: { type, ...detail } }));
}

function sameText(entry, fields) {
  return (
    entry.body === fields.body &&
    entry.title === fields.title &&
    entry.kind === fields.kind &&
    JSON.stringify(entry.tags) === JSON.stringify(fields.tags)
  );
}

async function markProblem(draft, state, problem, current = null) {
  const sealedCurrent = current ? await drafts.seal(draft.owner, current) : null;
  await drafts.update(draft.id, (d) => d && { ...d, state, problem, current: sealedCurrent });
  announce(state, { id: draft.id, problem });
}

// Send one draft; return false when sending should stop for now.
async function send(draft, keys) {
  const fields = await drafts.unseal(draft.owner, draft.sealed);
  const create = draft.mode === "create";
  // The prompt and the task an entry answers are fixed when it is made; edits leave them be.
  const { prompt_id: promptId, task_id: taskId, ...editable } = fields;
  const payload = create
    ? {
        id: draft.id,
        ...editable,
        ...(promptId ? { prompt_id: promptId } : {}),
        ...(taskId ? { task_id: taskId } : {}),
      }
    : { version: draft.baseVersion, ...editable };
  const url = create ? "/api/v1/entries" : `/api/v1/entries/${draft.id}`;
  const { status, ok, body } = await call(create ? "POST" : "PATCH", url, payload);
  const error = body.error || {};
  if (ok) {
    // A replayed create returns what the server kept; if that is older text, send ours as an edit.
    const kept = !(create && status === 200 && !sameText(body, fields));
    const next = await drafts.update(draft.id, (d) => {
      if (!d) return null;
      if (kept && d.savedAt === draft.savedAt) return null;
      return { ...d, mode: "update", baseVersion: body.version };
    });
    announce("synced", { id: draft.id, version: body.version, pending: Boolean(next) });
    await device.alive();
    await copy.remember(keys, body).catch(() => null); // the copy is a convenience; sent is sent
    return true;
  }
  if (status === 409 && error.code === "version_conflict") {
    await markProblem(draft, "conflict", error.message, error.current);
  } else if (status === 404 || status === 410) {
    await markProblem(draft, "orphan", "This entry was deleted elsewhere. Your words are kept here.");
  } else if (status === 422) {
    const problems = Object.values(error.fields || {}).flat().join(" ");
    await markProblem(draft, "invalid", problems || error.message);
  } else if (status === 401) {
    await device.lock(); // the session ended: the key leaves, the draft waits sealed
    announce("signed-out", { id: draft.id });
    return false;
  } else {
    return false; // busy, rate limited or broken for now: try again later
  }
  return true;
}

async function sendAll() {
  const keys = await device.current();
  if (!keys || !navigator.onLine) return;
  const waiting = (await drafts.mine(keys.owner)).filter((d) => d.state === "pending");
  try {
    for (const queued of waiting) {
      const draft = await drafts.get(queued.id); // the newest text, read just before sending
      if (draft && draft.state === "pending" && !(await send(draft, keys))) break;
    }
  } catch {
    announce("offline", {});
  }
}

export function flush() {
  // A flush asked for while one runs makes that run go round once more, so a draft saved a
  // moment after the run began is not left waiting for the next timer.
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        // Web Locks keep two tabs from sending the same draft at once.
        if (navigator.locks) await navigator.locks.request("journal-outbox", sendAll);
        else await sendAll();
      } while (again);
    } finally {
      running = null;
    }
    await showWaiting();
  })();
  return running;
}

const LABELS = {
  pending: "Waiting to be sent",
  conflict: "Needs your choice",
  orphan: "Kept on this device",
  invalid: "Needs a look",
  composing: "Feedback you were writing, not saved yet",
};

// Where a kept draft is opened again: the composer for feedback being written, else the editor.
function opening(draft) {
  if (draft.mode === "compose") return `/feedback/new#draft=${draft.id}`;
  return draft.mode === "create" ? `/journal/new#draft=${draft.id}` : `/journal/${draft.id}/edit`;
}

// List what waits on this device, only to its own account while signed in here.
export async function showWaiting() {
  const keys = await device.current();
  for (const box of document.querySelectorAll("[data-waiting]")) {
    const list = box.querySelector("ul");
    list.replaceChildren();
    for (const draft of keys ? await drafts.mine(keys.owner) : []) {
      const fields = await drafts.unseal(keys.owner, draft.sealed).catch(() => null);
      if (!fields) continue;
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = opening(draft);
      link.textContent = fields.title || (fields.body ?? fields.what).slice(0, 60) || "Untitled";
      const state = document.createElement("span");
      state.className = "entry-meta";
      state.textContent = ` · ${LABELS[draft.state] || LABELS.pending}`;
      item.append(link, state);
      list.append(item);
    }
    box.hidden = list.children.length === 0;
  }
}

window.addEventListener("online", flush);
window.addEventListener("journal:locked", showWaiting);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") flush();
});
navigator.serviceWorker?.addEventListener("message", (event) => {
  if (event.data === "journal:flush") flush();
});
setInterval(flush, RETRY_MS);
flush();
