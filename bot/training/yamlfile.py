"""Edit the assistant's YAML files as a person would: comments, order and layout kept.

ruamel.yaml's round trip keeps comments, key order, quoting and block scalars
(`examples: |`). Two things it does not do by itself, done here: put a new item after the
blank lines and comments that close a list (ruamel attaches them to the last item), and keep
the blank line that separates items in files that use one. Changes are written only after
every file has been rendered and read back to exactly the intended content, and all files of
one change are replaced together, so a refused or failed change leaves them byte for byte
as they were.
"""

from __future__ import annotations

import io
import os
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from bot.errors import StaffError

Container = Union[CommentedMap, CommentedSeq]
BLOCK_SCALARS = (LiteralScalarString, FoldedScalarString)


def _yaml(sequence_indent: int = 2, offset: int = 0) -> YAML:
    yaml: Any = YAML()  # round trip (ruamel types its settings loosely)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=sequence_indent, offset=offset)
    return yaml


def _problem(path: Path, error: YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    what = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{path.name} is not valid YAML{where}: {what}."


def read_plain(path: Path) -> Any:
    """A YAML file's content as plain Python data, with a clear error when it is malformed."""
    try:
        return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except YAMLError as error:
        raise StaffError(_problem(path, error)) from error


def to_plain(node: Any) -> Any:
    """Round-trip nodes as plain dicts, lists and values (for comparing content)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


@dataclass
class YamlFile:
    """One YAML file loaded for editing; `render()` gives its new text."""

    path: Path
    original: Optional[str]  # None for a file that does not exist yet
    doc: Any
    yaml: YAML = field(repr=False)
    deleted: bool = False  # `write_all` removes the file

    @classmethod
    def load(cls, path: Path) -> YamlFile:
        text = path.read_text(encoding="utf-8")
        try:
            _, sequence_indent, offset = load_yaml_guess_indent(text)
            yaml = _yaml(sequence_indent or 2, offset or 0)
            doc = yaml.load(text)
        except YAMLError as error:
            raise StaffError(_problem(path, error)) from error
        if _render(yaml, doc) != text:  # a layout ruamel cannot reproduce: do not touch it
            raise StaffError(
                f"{path.name} cannot be edited without changing its layout; edit it by hand."
            )
        return cls(path, text, doc, yaml)

    @classmethod
    def new(cls, path: Path, header: str) -> YamlFile:
        """A file to create, starting from `header` (comments and first keys)."""
        yaml = _yaml()
        return cls(path, None, yaml.load(header), yaml)

    def render(self) -> str:
        return _render(self.yaml, self.doc)

    def changed(self) -> bool:
        return self.render() != self.original


def _render(yaml: YAML, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


# --- appending after a list's closing comments -------------------------------------------


def _children(node: Container) -> List[Tuple[Any, Any]]:
    return list(node.items()) if isinstance(node, CommentedMap) else list(enumerate(node))


def _slot(node: Container) -> int:
    """Where ruamel keeps the comment that follows an entry: after the value of a mapping
    entry (index 2) or after a list item (index 0)."""
    return 2 if isinstance(node, CommentedMap) else 0


def _last_leaf(node: Any) -> Tuple[Optional[Container], Any]:
    """The container and key of the last scalar in `node` (its last line)."""
    if not isinstance(node, (CommentedMap, CommentedSeq)) or not node:
        return None, None
    key, value = _children(node)[-1]
    if isinstance(value, (CommentedMap, CommentedSeq)) and value:
        return _last_leaf(value)
    return node, key


def _pop_closing_comment(node: Container) -> Optional[CommentToken]:
    """Remove and return the comment/blank lines ruamel attached to the end of `node`."""
    children = _children(node) if isinstance(node, (CommentedMap, CommentedSeq)) else []
    return _pop_trailing(node, children[-1][0]) if children else None


def _ends_in_block_scalar(node: Any) -> bool:
    """Whether the last line of `node` (a container or a scalar) is in a block scalar."""
    if not isinstance(node, (CommentedMap, CommentedSeq)):
        return isinstance(node, BLOCK_SCALARS)
    container, key = _last_leaf(node)
    return container is not None and isinstance(container[key], BLOCK_SCALARS)


def _attach_closing_comment(node: Container, token: CommentToken, from_block: bool) -> None:
    """Attach `token` after the last line of `node`."""
    container, key = _last_leaf(node)
    if container is not None:
        _attach(container, key, token, from_block)


def _attach(container: Container, key: Any, token: CommentToken, from_block: bool) -> None:
    """Attach `token` after the scalar `key` of `container`.

    After a block scalar ruamel has already ended the line, so its comment lacks the first
    newline a plain value's comment has; convert between the two.
    """
    to_block = isinstance(container[key], BLOCK_SCALARS)
    value = token.value
    if from_block and not to_block:
        value = "\n" + value
    elif to_block and not from_block and value.startswith("\n"):
        value = value[1:]
    if not value:
        return
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot(container)] = CommentToken(value, CommentMark(0), None)


def _blank_line_before_last(node: Container, lines: Sequence[str]) -> bool:
    """Whether the file separates the items of `node` with a blank line (as rules.yml does)."""
    children = _children(node)
    if len(children) < 2 or not lines:
        return False
    key = children[-1][0]
    try:
        line = node.lc.key(key)[0] if isinstance(node, CommentedMap) else node.lc.item(key)[0]
    except (AttributeError, KeyError, TypeError, IndexError):
        return False
    return line >= 1 and not lines[line - 1].strip()


def append(file: YamlFile, node: Container, item: Any, value: Any = None) -> None:
    """Add `item` to the list `node` (or the entry item: value to the mapping `node`) after
    its last entry, keeping the comments that closed it and the file's spacing."""
    lines = (file.original or "").splitlines()
    spaced = _blank_line_before_last(node, lines)
    had_block = _ends_in_block_scalar(node)
    closing = _pop_closing_comment(node)
    if spaced:
        _attach_closing_comment(node, CommentToken("\n\n", CommentMark(0), None), False)
    if isinstance(node, CommentedSeq):
        node.append(item)
    else:
        node[item] = value
    if closing is not None:
        _attach_closing_comment(node, closing, had_block)


def _pop_trailing(node: Container, key: Any) -> Optional[CommentToken]:
    """Remove and return the comment/blank lines that follow entry `key` of `node`."""
    entry = node.ca.items.get(key)
    if entry and entry[_slot(node)] is not None:
        token = entry[_slot(node)]
        entry[_slot(node)] = None
        return token
    value = node[key]
    if isinstance(value, (CommentedMap, CommentedSeq)):
        return _pop_closing_comment(value)
    return None


def remove(node: Container, key: Any) -> None:
    """Remove entry `key` (a list index or a mapping key) from `node`: what `append` added.

    Comments before an entry describe it and go with it; the blank lines and comments after
    it lead to the next entry (or close the list), so they move to the entry before.
    """
    keys = [k for k, _ in _children(node)]
    position = keys.index(key)
    had_block = _ends_in_block_scalar(node[key])
    following = _pop_trailing(node, key)
    if position > 0:
        before = keys[position - 1]
        _pop_trailing(node, before)
        value = node[before]
        if following is None:
            pass
        elif isinstance(value, (CommentedMap, CommentedSeq)) and value:
            _attach_closing_comment(value, following, had_block)
        else:
            _attach(node, before, following, had_block)
    if isinstance(node, CommentedMap):
        node.ca.items.pop(key, None)  # a list shifts its own comments on `del`
    del node[key]


# --- values in the files' style -----------------------------------------------------------


def example_block(examples: Sequence[str]) -> LiteralScalarString:
    """Rasa's examples block: `examples: |` followed by `- text` lines."""
    return LiteralScalarString("".join(f"- {text}\n" for text in examples))


def extend_example_block(block: str, examples: Sequence[str]) -> LiteralScalarString:
    text = str(block or "")
    if text and not text.endswith("\n"):
        text += "\n"
    return LiteralScalarString(text + "".join(f"- {e}\n" for e in examples))


def long_text(text: str, width: int = 80) -> Any:
    """A response text in the domain's style: folded (`>-`) when long, literal when it has
    line breaks of its own, plain when short."""
    if "\n" in text:
        return LiteralScalarString(text)
    if len(text) <= width or "  " in text or text != text.strip():
        return text
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if " ".join(lines) != text:
        return text
    folded = FoldedScalarString(text)
    positions, index = [], 0
    for line in lines[:-1]:
        index += len(line)
        positions.append(index)  # the space that ends this line
        index += 1
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


def mapping(*pairs: Tuple[str, Any]) -> CommentedMap:
    return CommentedMap(pairs)


def sequence(*items: Any) -> CommentedSeq:
    return CommentedSeq(items)


# --- writing ------------------------------------------------------------------------------


def write_all(files: Sequence[YamlFile]) -> List[Path]:
    """Write every changed file (or remove a `deleted` one), or none: each new text is read
    back and compared with the intended content first, then all are swapped in; on a failure
    the originals return."""
    pending: List[Tuple[YamlFile, Optional[str]]] = []
    for file in files:
        if file.deleted:
            if file.original is not None:
                pending.append((file, None))
            continue
        text = file.render()
        if text == file.original:
            continue
        try:
            written = YAML(typ="safe", pure=True).load(text)
        except YAMLError as error:  # a bug here, never the user's input
            raise RuntimeError(f"refusing to write {file.path}: {error}") from error
        if written != to_plain(file.doc):
            raise RuntimeError(f"refusing to write {file.path}: its content would differ")
        pending.append((file, text))
    staged: List[Tuple[YamlFile, Optional[str]]] = []
    try:
        for file, content in pending:
            if content is None:
                staged.append((file, None))
                continue
            file.path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=file.path.parent, prefix=f".{file.path.name}.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(content)
            staged.append((file, tmp))
        done: List[YamlFile] = []
        try:
            for file, staged_path in staged:
                if staged_path is None:
                    file.path.unlink()
                elif file.path.exists():
                    os.chmod(staged_path, file.path.stat().st_mode & 0o7777)
                    os.replace(staged_path, file.path)
                else:
                    os.chmod(staged_path, 0o644)
                    os.replace(staged_path, file.path)
                done.append(file)
        except OSError:
            for file in done:  # put back what was already replaced
                if file.original is None:
                    file.path.unlink(missing_ok=True)
                else:
                    file.path.write_text(file.original, encoding="utf-8")
            raise
    finally:
        for _, leftover in staged:
            if leftover is not None and os.path.exists(leftover):
                os.unlink(leftover)
    return [file.path for file, _ in pending]


def read_intents(domain_doc: Any) -> List[str]:
    """Intent names of a domain (entries are names, or one-key mappings with properties)."""
    names = []
    for entry in (domain_doc or {}).get("intents") or []:
        names.append(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return names


def response_texts(domain_doc: Any) -> Dict[str, List[str]]:
    return {
        name: [v.get("text", "") for v in (variants or []) if isinstance(v, dict)]
        for name, variants in ((domain_doc or {}).get("responses") or {}).items()
    }
