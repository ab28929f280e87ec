// Copy buttons ([data-copy]) and share buttons ([data-share], where the phone has a share
// sheet): shown only where they work, each saying what happened in the page's status line.
const status = document.querySelector("[data-copy-status]");
const say = (words) => {
  if (status) status.textContent = words;
};

if (navigator.clipboard?.writeText) {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        say(`Copied: ${button.textContent.replace(/^Copy /, "")}.`);
      } catch {
        say("Couldn't copy here: select it and copy it by hand.");
      }
    });
  }
}

if (navigator.share) {
  for (const button of document.querySelectorAll("[data-share]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.share({ text: button.dataset.shareText, url: button.dataset.share }).catch(() => {});
    });
  }
}
