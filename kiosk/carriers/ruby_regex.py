"""Ruby (Onigmo) regexes, as the courier spec data writes them, turned into Python ``re`` patterns.

The spec data comes from a Ruby project, so its regexes are Ruby's dialect.
Python 3.11 shares most of it (lookarounds, atomic groups, possessive
quantifiers); what differs is rewritten here:

* ``(?<name>...)`` / ``(?'name'...)`` named groups become ``(?P<name>...)``;
  Ruby allows a name twice (in alternatives), Python does not, so repeats are
  renamed ``name__2`` and reported as aliases of ``name``.
* ``\\k<name>`` back-references become ``(?P=name)``.
* ``\\h`` is Ruby's hex digit (not PCRE's horizontal space); ``\\z`` is
  Python's ``\\Z``; Ruby's ``\\Z`` may stop before a final newline.
* Inline options: Ruby's ``m`` is Python's ``s`` (dot matches newline); an
  option switched on mid-group lasts to the end of that group, even across
  ``|``, which is exactly a scoped ``(?s:...)`` group in Python. ``x``
  (free-spacing) is applied here: whitespace and ``#`` comments outside
  character classes are dropped.
* POSIX bracket classes (``[[:digit:]]``) become explicit ranges.

Constructs with no Python equivalent (``\\G``, ``\\K``, subroutine calls,
absent operator, class intersection) raise ``RegexTranslationError``, so a
new data release that uses one fails its tests instead of matching wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_POSIX = {
    "digit": "0-9",
    "alpha": "A-Za-z",
    "alnum": "A-Za-z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r"\s",
    "xdigit": "0-9A-Fa-f",
    "word": r"\w",
    "blank": r" \t",
    "punct": r"!-/:-@\[-`{-~",
    "cntrl": r"\x00-\x1f\x7f",
}
# \p{...} properties, ASCII only like the rest of the spec's patterns.
_PROPERTY = {name: _POSIX[name] for name in ("digit", "alpha", "alnum", "upper", "lower", "space", "xdigit", "word")}
_UNSUPPORTED_ESCAPES = {"G": r"\G (match start)", "K": r"\K (keep)", "g": r"\g<> (subroutine)", "X": r"\X (grapheme)"}


class RegexTranslationError(ValueError):
    """The spec regex uses a Ruby construct Python cannot express."""


@dataclass
class Translation:
    pattern: str
    # Logical group name (as the data spells it) -> the Python group names carrying it.
    groups: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Frame:
    verbose: bool
    extra_closers: int = 0  # scoped-option groups opened inside this group, closed with it


def translate(source: str | list[str], *, optional_literals: str = "") -> Translation:
    """The Python form of a Ruby regex; a list is joined first, as the Ruby library does.

    ``optional_literals`` lists characters that, written literally outside a
    class, become optional: the kiosk strips spaces and dashes from scans, so
    a spec that spells a dash (``...-1``) must still match without it.
    """
    text = "".join(source) if isinstance(source, list) else source
    return _Translator(text, optional_literals).run()


class _Translator:
    def __init__(self, text: str, optional_literals: str) -> None:
        self.text = text
        self.optional = optional_literals
        self.pos = 0
        self.out: list[str] = []
        self.stack: list[_Frame] = [_Frame(verbose=False)]
        self.groups: dict[str, list[str]] = {}

    def run(self) -> Translation:
        while self.pos < len(self.text):
            self._step()
        if len(self.stack) != 1:
            raise RegexTranslationError("unbalanced parentheses")
        self.out.append(")" * self.stack[0].extra_closers)
        pattern = "".join(self.out)
        try:
            re.compile(pattern)
        except re.error as error:
            raise RegexTranslationError(f"{error} in {pattern!r}") from error
        return Translation(pattern, self.groups)

    # -- the pattern outside character classes -------------------------------------------------
    def _step(self) -> None:
        char = self.text[self.pos]
        frame = self.stack[-1]
        if frame.verbose and char.isspace():
            self.pos += 1
        elif frame.verbose and char == "#":
            end = self.text.find("\n", self.pos)
            self.pos = len(self.text) if end < 0 else end + 1
        elif char == "\\":
            self._escape()
        elif char == "[":
            self._char_class()
        elif char == "(":
            self._open_group()
        elif char == ")":
            closed = self.stack.pop()
            if not self.stack:
                raise RegexTranslationError("unbalanced parentheses")
            self.out.append(")" * closed.extra_closers + ")")
            self.pos += 1
        else:
            self._literal(char)
            self.pos += 1

    def _literal(self, char: str) -> None:
        if char in self.optional:
            # A group that may match nothing stays legal even if a quantifier follows it.
            self.out.append(f"(?:{re.escape(char)}|)")
        else:
            self.out.append(char)

    def _escape(self) -> None:
        if self.pos + 1 >= len(self.text):
            raise RegexTranslationError("pattern ends with a backslash")
        letter = self.text[self.pos + 1]
        self.pos += 2
        if letter in _UNSUPPORTED_ESCAPES:
            raise RegexTranslationError(f"Ruby {_UNSUPPORTED_ESCAPES[letter]} has no Python equivalent")
        if letter == "h":
            self.out.append("[0-9A-Fa-f]")
        elif letter == "H":
            self.out.append("[^0-9A-Fa-f]")
        elif letter == "z":
            self.out.append(r"\Z")
        elif letter == "Z":
            self.out.append(r"(?=\n?\Z)")
        elif letter == "e":
            self.out.append(r"\x1b")
        elif letter == "R":
            self.out.append(r"(?:\r\n|[\n\v\f\r\x85\u2028\u2029])")
        elif letter in "pP":
            self.out.append(f"[{'^' if letter == 'P' else ''}{self._property()}]")
        elif letter == "k":
            name = self._bracketed_name()
            self.out.append(f"(?P={self._python_name(name, reference=True)})")
        elif letter in self.optional or (letter == " " and " " in self.optional):
            self._literal(letter)
        else:
            self.out.append("\\" + letter)

    def _property(self) -> str:
        match = re.match(r"\{(\^?)(\w+)\}", self.text[self.pos :])
        if not match or match.group(1) or match.group(2).lower() not in _PROPERTY:
            raise RegexTranslationError(f"unsupported property at {self.text[self.pos - 2 :][:12]!r}")
        self.pos += match.end()
        return _PROPERTY[match.group(2).lower()]

    def _bracketed_name(self) -> str:
        match = re.match(r"<(\w+)>|'(\w+)'", self.text[self.pos :])
        if not match:
            raise RegexTranslationError(f"unsupported back-reference at {self.text[self.pos - 2 :][:12]!r}")
        self.pos += match.end()
        return match.group(1) or match.group(2)

    def _python_name(self, name: str, *, reference: bool = False) -> str:
        if reference:
            if name not in self.groups:
                raise RegexTranslationError(f"back-reference to unknown group {name}")
            if len(self.groups[name]) > 1:
                raise RegexTranslationError(f"back-reference to repeated group {name}")
            return self.groups[name][0]
        names = self.groups.setdefault(name, [])
        python_name = name if not names else f"{name}__{len(names) + 1}"
        names.append(python_name)
        return python_name

    # -- groups ------------------------------------------------------------------------------
    def _open_group(self) -> None:
        rest = self.text[self.pos :]
        verbose = self.stack[-1].verbose
        named = re.match(r"\(\?(?:<(\w+)>|'(\w+)')", rest)
        if named:
            self.out.append(f"(?P<{self._python_name(named.group(1) or named.group(2))}>")
            self.pos += named.end()
            self.stack.append(_Frame(verbose))
            return
        if rest.startswith("(?#"):
            end = self.text.find(")", self.pos)
            if end < 0:
                raise RegexTranslationError("unterminated comment")
            self.pos = end + 1
            return
        if rest.startswith("(?~"):
            raise RegexTranslationError("Ruby's absent operator (?~...) has no Python equivalent")
        options = re.match(r"\(\?([imx]*)(?:-([imx]*))?([:)])", rest)
        if options and (options.group(1) or options.group(2) is not None):
            self._options(options)
            return
        simple = re.match(r"\(\?(?:[:=!>]|<=|<!)|\(", rest)
        assert simple is not None  # a bare "(" always matches
        self.out.append(simple.group(0))
        self.pos += simple.end()
        self.stack.append(_Frame(verbose))

    def _options(self, options: re.Match[str]) -> None:
        on, off, kind = options.group(1), options.group(2) or "", options.group(3)
        frame = self.stack[-1]
        verbose = ("x" in on or frame.verbose) and "x" not in off
        # Ruby's m is Python's s; x is applied by this translator, never passed on.
        flags_on = "".join(sorted({"i": "i", "m": "s"}[f] for f in on if f != "x"))
        flags_off = "".join(sorted({"i": "i", "m": "s"}[f] for f in off if f != "x"))
        spelled = flags_on + (f"-{flags_off}" if flags_off else "")
        self.pos += options.end()
        if kind == ":":
            self.out.append(f"(?{spelled}:" if spelled else "(?:")
            self.stack.append(_Frame(verbose))
        else:
            # Switched on mid-group: lasts to the end of the enclosing group, so open a
            # scoped group here and close it when that group closes.
            self.out.append(f"(?{spelled}:" if spelled else "(?:")
            frame.extra_closers += 1
            frame.verbose = verbose

    # -- character classes ---------------------------------------------------------------------
    def _char_class(self) -> None:
        text = self.text
        pos = self.pos + 1
        parts = ["["]
        if pos < len(text) and text[pos] == "^":
            parts.append("^")
            pos += 1
        first = True
        while True:
            if pos >= len(text):
                raise RegexTranslationError("unterminated character class")
            char = text[pos]
            if char == "]" and not first:
                pos += 1
                break
            if char == "[":
                posix = re.match(r"\[:(\^?)(\w+):\]", text[pos:])
                if not posix or posix.group(1) or posix.group(2) not in _POSIX:
                    raise RegexTranslationError("nested character classes have no Python equivalent")
                parts.append(_POSIX[posix.group(2)])
                pos += posix.end()
            elif text.startswith("&&", pos):
                raise RegexTranslationError("character class intersection has no Python equivalent")
            elif char == "\\":
                letter = text[pos + 1 : pos + 2]
                if letter == "h":
                    parts.append("0-9A-Fa-f")
                elif letter in ("H", "p", "P", "R", "X", "G", "K", "g", "k"):
                    raise RegexTranslationError(f"\\{letter} inside a character class has no Python equivalent")
                elif letter == "e":
                    parts.append(r"\x1b")
                else:
                    parts.append("\\" + letter)
                pos += 2
            elif char == "]":  # a "]" first in the class is a literal, as in Ruby
                parts.append(r"\]")
                pos += 1
            else:
                parts.append(char)
                pos += 1
            first = False
        parts.append("]")
        self.out.append("".join(parts))
        self.pos = pos


def group_value(match: re.Match[str], translation: Translation, name: str) -> str | None:
    """The text a logical group captured, whichever of its renamed copies took part."""
    for python_name in translation.groups.get(name, ()):
        value = match.group(python_name)
        if value is not None:
            return value
    return None
