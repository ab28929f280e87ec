"""JSON read a piece at a time: a top-level object's keys one by one, and an array's items one
by one, so memory holds one entry of an export, not the whole document. (Parsed whole, a Day
One export of a few years is tens of MiB of text, held at four bytes a character by Python
once a single emoji is in it, and more again as objects.)
"""

import codecs
import json
from collections.abc import Callable, Iterator

from journal.jsonbody import MAX_DEPTH, depth

WHITESPACE = " \t\r\n"
CHUNK = 1024 * 1024  # characters read at a time; doubled while one value is still cut off


class Broken(Exception):
    """Not JSON we can read: `deep` says whether it was nested too deeply."""

    def __init__(self, deep: bool = False) -> None:
        super().__init__("too deeply nested" if deep else "not valid JSON")
        self.deep = deep


class Reader:
    """Reads JSON from chunks of UTF-8 bytes, keeping only what is not yet read in memory."""

    def __init__(self, chunks: Iterator[bytes], object_hook: Callable | None = None) -> None:
        self._chunks = chunks
        self._decode = codecs.getincrementaldecoder("utf-8")().decode
        self._parse = json.JSONDecoder(object_hook=object_hook).raw_decode
        self.text, self.at, self.done, self._started = "", 0, False, False

    def _more(self, want: int) -> bool:
        """Add at least `want` characters (or all that is left); False once there is no more."""
        if self.done:
            return False
        self.text, self.at, added = self.text[self.at :], 0, 0
        try:
            while added < want:
                chunk = next(self._chunks, None)
                piece = self._decode(chunk or b"", final=chunk is None)
                if piece and not self._started:  # a byte-order mark may lead the text
                    piece, self._started = piece.removeprefix("\ufeff"), True
                self.text += piece
                added += len(piece)
                if chunk is None:
                    self.done = True
                    return added > 0
        except UnicodeDecodeError as exc:
            raise Broken() from exc
        return True

    def peek(self) -> str:
        """The next character that isn't white space ("" at the end)."""
        while True:
            while self.at < len(self.text) and self.text[self.at] in WHITESPACE:
                self.at += 1
            if self.at < len(self.text) or not self._more(CHUNK):
                return self.text[self.at] if self.at < len(self.text) else ""

    def _take(self, char: str) -> None:
        if self.peek() != char:
            raise Broken()
        self.at += 1

    def value(self):
        """The next whole value, nested at most MAX_DEPTH deep."""
        self.peek()
        want = CHUNK
        while True:
            try:
                value, end = self._parse(self.text, self.at)
            except json.JSONDecodeError as exc:  # cut off by the window, or broken
                if not self._more(want):
                    raise Broken() from exc
                want *= 2
                continue
            except RecursionError as exc:  # deeper than the parser itself can go
                raise Broken(deep=True) from exc
            # A number at the window's end may go on in the next chunk.
            if end == len(self.text) and self.text[self.at] not in '{["' and self._more(want):
                continue
            self.at = end
            if depth(value) > MAX_DEPTH:
                raise Broken(deep=True)
            return value

    def object_keys(self) -> Iterator[str]:
        """An object's keys, one at a time: read each key's value before asking for the next."""
        self._take("{")
        if self.peek() == "}":
            self.at += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise Broken()
            self._take(":")
            yield key
            if self._close("}"):
                return

    def items(self) -> Iterator:
        """An array's items, one at a time."""
        self._take("[")
        if self.peek() == "]":
            self.at += 1
            return
        while True:
            yield self.value()
            if self._close("]"):
                return

    def _close(self, bracket: str) -> bool:
        """After a member: a comma (more follow) or the closing bracket."""
        found = self.peek()
        if found not in (",", bracket):
            raise Broken()
        self.at += 1
        return found == bracket

    def end(self) -> None:
        """Nothing but white space may follow the document."""
        if self.peek():
            raise Broken()
