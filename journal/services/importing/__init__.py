"""Imports: entries from Day One, Markdown notes or another Alliance Journal, brought into a
client's journal, reported on, and undone on request.

`sources` reads a whole upload (`upload` keeps it safe, `alliance`, `dayone` and `markdown`
know each source, `items` fits what they find to our rules); `writing` writes it in batches;
`runs` holds what views call.
"""

from journal.services.importing.runs import (
    ImportView,
    UndoView,
    get,
    list_imports,
    remaining,
    start,
    undo,
)
from journal.services.importing.upload import Upload

__all__ = ["ImportView", "UndoView", "Upload", "get", "list_imports", "remaining", "start", "undo"]
