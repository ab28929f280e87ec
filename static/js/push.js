// Reminders on this device: asks the browser for permission, subscribes it to Web Push with the
// server's key, and tells the server which reminders it wants. Without it the page still lists
// devices and sets quiet hours.
import { call } from "./api.js";

const section = document.querySelector("[data-push]");
const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

function show(name, visible) {
  const element = section.querySelector(`[data-push-${name}]`);
  if (element) element.hidden = !visible;
}

function say(text) {
  section.querySelector("[data-push-status]").textContent = text;
}

function keyBytes(base64url) {
  const text = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return false;
  const held = new Uint8Array(buffer);
  return held.length === bytes.length && held.every((b, i) => b === bytes[i]);
}

// The service worker, or an error if it never comes (then the button doesn't hang).
function worker() {
  const late = new Promise((_, reject) => setTimeout(() => reject(new Error("no worker")), 10000));
  return Promise.race([navigator.serviceWorker.ready, late]);
}

// This browser's subscription made with our current key (an old key's is replaced).
async function subscription() {
  const key = keyBytes(section.dataset.pushKey);
  const registration = await worker();
  const held = await registration.pushManager.getSubscription();
  if (held && sameKey(held.options?.applicationServerKey, key)) return held;
  if (held) await held.unsubscribe();
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

async function turnOn(button) {
  const kinds = [...section.querySelectorAll('input[name="kinds"]:checked')].map((box) => box.value);
  if (!kinds.length) {
    say("Choose at least one kind of reminder first.");
    return;
  }
  button.disabled = true;
  say("");
  try {
    if ((await Notification.requestPermission()) !== "granted") {
      say("The browser didn't allow notifications, so nothing changed.");
      return;
    }
    const { endpoint, keys } = (await subscription()).toJSON();
    const answer = await call("POST", "/api/v1/me/push-subscriptions", { endpoint, keys, kinds });
    if (answer.ok) {
      window.location.reload(); // the list of devices comes from the server
      return;
    }
    say(answer.body.error?.message || "That didn't work. Please try again in a moment.");
  } catch {
    say("This browser couldn't turn reminders on. Please try again in a moment.");
  } finally {
    button.disabled = false;
  }
}

if (section && supported) {
  show("unsupported", false);
  if (Notification.permission === "denied") {
    show("blocked", true);
  } else {
    show("controls", true);
    const button = section.querySelector("[data-push-subscribe]");
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((held) => {
        if (held && Notification.permission === "granted") button.textContent = "Save reminders for this device";
      })
      .catch(() => null);
    button.addEventListener("click", () => turnOn(button));
  }
}
