// Share a passage: the words selected in the entry fill the "Passage" box, ready to share.
// Without this script the box is typed or pasted into by hand.

const source = document.querySelector("[data-passage-source]");
const target = document.querySelector("[data-passage-target]");
const button = document.querySelector("[data-passage-use]");

let chosen = "";

function selectedInEntry() {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return "";
  const range = selection.getRangeAt(0);
  return source.contains(range.commonAncestorContainer) ? selection.toString() : "";
}

if (source && target && button) {
  button.hidden = false;
  button.disabled = true;
  // Remember the selection: tapping the button may clear it on a phone.
  document.addEventListener("selectionchange", () => {
    const words = selectedInEntry().trim();
    if (words) {
      chosen = words;
      button.disabled = false;
    }
  });
  button.addEventListener("click", () => {
    if (!chosen) return;
    target.value = chosen;
    const passage = target.form.querySelector("input[name=part][value=passage]");
    if (passage) passage.checked = true;
    target.focus();
  });
}
