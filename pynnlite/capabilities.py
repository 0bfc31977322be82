"""Which models and features each backend supports, as a Markdown table built
from the backends' own :class:`~pynnlite.backend.Capabilities`.

``python -m pynnlite.capabilities`` prints the table; with ``--update
README.md`` it replaces the part of the file between the markers
``<!-- capabilities:start -->`` and ``<!-- capabilities:end -->``.
"""
import argparse
import os
import sys
import tempfile

from .backend import available_backends, load_backend
from .errors import BackendError

START_MARKER = "<!-- capabilities:start -->"
END_MARKER = "<!-- capabilities:end -->"

YES = "✓"
NO = "–"


def backend_capabilities():
    """{backend name: Capabilities} of every registered backend that loads,
    the default backend first."""
    from .session import _default_backend
    names = sorted(available_backends(), key=lambda n: (n != _default_backend, n))
    out = {}
    for name in names:
        try:
            cls = load_backend(name)
        except BackendError:
            continue
        if cls.capabilities is not None:
            out[name] = cls.capabilities
    return out


def _union(lists):
    """Items of several sequences, first-seen order."""
    seen = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _row(label, flags):
    return f"| {label} | " + " | ".join(YES if f else NO for f in flags) + " |"


def capability_table(capabilities=None):
    """The Markdown table: one column per backend; rows for cell types, synapse
    types, current sources, recordable variables and features."""
    caps = backend_capabilities() if capabilities is None else capabilities
    names = list(caps)
    columns = [caps[n] for n in names]
    lines = ["| | " + " | ".join(f"`{n}`" for n in names) + " |",
             "|---|" + "---|" * len(names)]

    def section(title, rows):
        """rows: (label, predicate on a backend's Capabilities)."""
        if not rows:
            return
        lines.append(f"| **{title}** |" + " |" * len(names))
        for label, has in rows:
            lines.append(_row(label, [has(c) for c in columns]))

    def member(attribute, item):
        return lambda c: item in getattr(c, attribute)

    cell_types = _union(c.cell_types for c in columns)
    section("Cell types", [(x, member("cell_types", x)) for x in cell_types])
    for title, attribute in (("Synapse types", "synapse_types"),
                             ("Current sources", "current_sources")):
        section(title, [(x, member(attribute, x))
                        for x in _union(getattr(c, attribute) for c in columns)])
    section("Recordables", [
        (f"{cell}: `{var}`", lambda c, cell=cell, var=var: var in c.cell_types.get(cell, ()))
        for cell in cell_types for var in _union(c.cell_types.get(cell, ()) for c in columns)])
    for title, attribute in (("Native connectors", "connectors_native"), ("Features", "features")):
        section(title, [(x, member(attribute, x))
                        for x in _union(getattr(c, attribute) for c in columns)])
    return "\n".join(lines) + "\n"


def table_in(text):
    """The text between the README markers, or None when they are absent."""
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start:
        return None
    return text[start + len(START_MARKER):end]


def update_file(path, table=None):
    """Replace the table between the markers of ``path`` (written atomically)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if table_in(text) is None:
        raise ValueError(f"{path} has no '{START_MARKER}' ... '{END_MARKER}' markers")
    table = capability_table() if table is None else table
    start = text.find(START_MARKER) + len(START_MARKER)
    end = text.find(END_MARKER)
    new = text[:start] + "\n" + table + text[end:]
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pynnlite-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m pynnlite.capabilities",
                                     description="Print which models and features each "
                                                 "installed backend supports (Markdown).")
    parser.add_argument("--update", metavar="FILE",
                        help="replace the table between the capabilities markers of FILE")
    args = parser.parse_args(argv)
    if args.update:
        update_file(args.update)
    else:
        sys.stdout.write(capability_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
