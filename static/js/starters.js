// Sentence starters: each suggestion becomes a button that begins the text for you.
// Without this script they stay a plain list of ideas to copy by hand.

// An open starter ends in a space; a space typed next would make two where the starter meets
// the person's words, so the first keystroke there drops it.
function joinOnce(target, junction) {
  const tidy = () => {
    if (target.value.slice(junction - 1, junction + 1) === "  ") {
      target.value = target.value.slice(0, junction) + target.value.slice(junction + 1);
      target.setSelectionRange(junction, junction);
    }
  };
  target.addEventListener("input", tidy, { once: true });
}

for (const box of document.querySelectorAll("[data-starters]")) {
  const target = document.getElementById(box.dataset.starters);
  if (!target) continue;
  for (const item of box.querySelectorAll("li")) {
    const text = item.textContent.trim();
    const button = document.createElement("button");
    button.type = "button";
    button.className = "starter";
    button.textContent = text;
    button.addEventListener("click", () => {
      // "It would help me if we…" leaves the sentence open for the person to finish.
      const start = text.endsWith("…") ? `${text.slice(0, -1).trimEnd()} ` : text;
      const before = target.value.trimEnd();
      target.value = before ? `${before}\n\n${start}` : start;
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
      target.setSelectionRange(target.value.length, target.value.length);
      if (start.endsWith(" ")) joinOnce(target, target.value.length);
    });
    item.replaceChildren(button);
  }
  box.classList.add("is-ready");
}
