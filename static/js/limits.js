// A field with a limit never cuts what is typed (no maxlength): as the limit nears, a quiet
// counter says how much room is left, and past it, how much to trim. The server still refuses
// too much, with a message, and keeps the words on the page.
const NEAR = 0.8; // show the counter from 80 % of the limit
const SMALL = 50; // short fields (a code, a name) need no counter

function counterFor(field) {
  const limit = Number(field.dataset.limit);
  if (!limit || limit < SMALL) return;
  const note = Object.assign(document.createElement("p"), { className: "hint limit-count" });
  note.setAttribute("aria-live", "polite");
  note.id = `${field.id || field.name}-count`;
  field.after(note);
  const update = () => {
    const used = [...field.value].length; // characters as the server counts them
    const left = limit - used;
    note.hidden = used < limit * NEAR;
    note.classList.toggle("over", left < 0);
    note.textContent =
      left >= 0
        ? `${left.toLocaleString()} ${left === 1 ? "character" : "characters"} left`
        : `${(-left).toLocaleString()} ${left === -1 ? "character" : "characters"} over the limit of ${limit.toLocaleString()}`;
  };
  field.addEventListener("input", update);
  update();
}

document.querySelectorAll("input[data-limit], textarea[data-limit]").forEach(counterFor);
