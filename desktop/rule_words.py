"""A refused field in a worker's words: the field's name as the record's
screens label it, and the schema's rule as something to do ("make it
shorter: …", "fill it in", "choose one of …").

Schemas and the central record word their rules for developers (pydantic's
"String should have at most 100000 characters", "Input should be 'cse',
'cce' or 'other'"), and reasons already stored on a laptop keep that wording,
so they are reworded here, where every screen and the command line ask.
"""

from __future__ import annotations

import re

from sync.kinds import words_for

_TOO_LONG = re.compile(r"(?:String|List) should have at most (\d+) (?:characters?|items?)")
_TOO_SHORT = re.compile(r"String should have at least (\d+) characters?")
_ONE_OF = re.compile(r"(?:Input should be|must be one of) (.+)")
_QUOTED = re.compile(r"'([^']*)'")
_FILL_IN = ("is required", "Field required", "Input should be a valid string")
_TYPES = (
    (re.compile(r"Input should be a valid (date|datetime)\b"), "enter a date"),
    (re.compile(r"Input should be a valid (integer|number)\b"), "enter a number"),
    (re.compile(r"Input should be a valid boolean\b"), "answer yes or no"),
    (re.compile(r"Input should be a valid (list|array)\b"), "put one item on each line"),
    (re.compile(r"Input should be"), "enter it in the form the field asks for"),
)
# The central record's reasons name a field first ("field.path: rule").
FIELD_RULE = re.compile(r"^([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.*)$", re.DOTALL)


def what_to_do(rule: str) -> str:
    """A schema's rule as something the worker can act on; rules already
    written for workers are kept as they are."""
    rule = rule.strip().rstrip(".")
    if match := _TOO_LONG.fullmatch(rule):
        noun = "characters" if "String" in rule else "items"
        return f"make it shorter: it can hold at most {int(match[1]):,} {noun}"
    if match := _TOO_SHORT.fullmatch(rule):
        return "fill it in" if match[1] == "1" else f"write at least {match[1]} characters"
    if rule in _FILL_IN:
        return "fill it in"
    if (match := _ONE_OF.fullmatch(rule)) and (codes := _QUOTED.findall(match[1])):
        return "choose one of " + ", ".join(words_for(code) or code for code in codes)
    for pattern, words in _TYPES:
        if pattern.match(rule):
            return words
    return rule


def field_words(path: str) -> str:
    """A field's dotted path in words: 'risk_level' → 'Risk level',
    'vehicles.0.registration' → 'Vehicles row 1, registration'."""
    head, *rest = path.split(".")
    words = head.replace("_", " ").capitalize()
    for part in rest:
        words += f" row {int(part) + 1}" if part.isdigit() else ", " + part.replace("_", " ")
    return words


def problem_text(field: str, rule: str) -> str:
    """'Observations — make it shorter: it can hold at most 100,000
    characters' (what to do alone when no field is named)."""
    rule = rule.removeprefix(f"{field}: ") if field else rule
    return f"{field_words(field)} — {what_to_do(rule)}" if field else what_to_do(rule)


def reason_text(reason: str) -> str:
    """A reason that may start with a field's path ("field: rule"), in words."""
    found = FIELD_RULE.match(reason.strip())
    return problem_text(*found.groups()) if found else what_to_do(reason)
