// "Forget what this device keeps" on the account page: the copy of entries goes, unsent drafts
// are sealed again under a new key, and the old key is destroyed (device.renew).
import { renew } from "./device.js";

const box = document.querySelector("[data-device-forget]");

if (box && window.crypto?.subtle) {
  box.hidden = false;
  const status = box.querySelector("[data-device-status]");
  box.querySelector("button").addEventListener("click", async () => {
    status.textContent = "Forgetting…";
    const done = await renew().catch(() => false);
    status.textContent = done
      ? "Done. This device now keeps only your drafts not yet sent, under a new key."
      : "That didn't work. Please try again when you're online.";
  });
}
