"""Channel operations of workflow wiring, as data: :mod:`pynf.workflow.wiring` decides them, the template
``_wiring.nf.j2`` writes them as Groovy.

A :class:`Chain` is a source (an upstream output, a variable, an empty channel mixed with others) followed
by operators (join on meta, combine, first, map to a tuple of row elements, pick one element, flatten files,
concat, collect into one list, merge versions).  Everything here is identifiers and integers: user values
stay in the params JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Union

__all__ = ["Output", "Topic", "Var", "Mix", "Wrap", "Join", "Combine", "First", "Row", "MapRow", "Pick", "Files",
           "Concat", "ToList", "VersionsOf", "VersionsFile", "Chain", "Line"]


@dataclass(frozen=True)
class Output:
    """``PROCESS.out[index]``: one output channel of an upstream step's process."""

    op: ClassVar[str] = "output"
    process: str
    index: int


@dataclass(frozen=True)
class Topic:
    """``channel.topic(name)`` filtered to the tasks of one included subworkflow (``task.process`` starts
    with ``workflow:``): the topic items of a subworkflow step."""

    op: ClassVar[str] = "topic"
    name: str
    workflow: str


@dataclass(frozen=True)
class Var:
    """A variable defined earlier in the wrapper (a gather, the merged versions, a constant)."""

    op: ClassVar[str] = "var"
    name: str


@dataclass(frozen=True)
class Mix:
    """``channel.empty().mix(a, b, ...)``: the items of every source, in any order."""

    op: ClassVar[str] = "mix"
    sources: tuple[Chain, ...]


@dataclass(frozen=True)
class Wrap:
    """``.map { v -> [v] }``: each item as a one-element row."""

    op: ClassVar[str] = "wrap"


@dataclass(frozen=True)
class Join:
    """``.join(other)``: rows of the same meta (first element) joined into one row."""

    op: ClassVar[str] = "join"
    other: Chain


@dataclass(frozen=True)
class Combine:
    """``.combine(other)``: each row extended by each item of ``other`` (a single value: broadcast)."""

    op: ClassVar[str] = "combine"
    other: Chain


@dataclass(frozen=True)
class First:
    """``.first()``: a queue of one item made a value channel again, so it is broadcast."""

    op: ClassVar[str] = "first"


@dataclass(frozen=True)
class Row:
    """``r[index]``: one element of a joined row."""

    op: ClassVar[str] = "row"
    index: int


@dataclass(frozen=True)
class MapRow:
    """``.map { r -> [pieces] }`` (``tuple_``) or ``.map { r -> piece }``: an input's items from the rows."""

    op: ClassVar[str] = "map_row"
    pieces: tuple[Union[Row, Var], ...]
    tuple_: bool


@dataclass(frozen=True)
class Pick:
    """``.map { v -> v[index] }``: one element of each upstream item."""

    op: ClassVar[str] = "pick"
    index: int


@dataclass(frozen=True)
class Files:
    """``.flatMap { v -> pynfFiles(...) }``: the files of elements ``picks`` of each item (``None``: the item)."""

    op: ClassVar[str] = "files"
    picks: tuple[int, ...] | None


@dataclass(frozen=True)
class Concat:
    """``.concat(a, b, ...)``: the items of the sources after these, in source order."""

    op: ClassVar[str] = "concat"
    others: tuple[Chain, ...]


@dataclass(frozen=True)
class ToList:
    """``.toList()``: every item as ONE value (a list, empty when there are none)."""

    op: ClassVar[str] = "to_list"


@dataclass(frozen=True)
class VersionsOf:
    """``.flatMap { f -> pynfVersionsOf(f) }``: an nf-core ``versions.yml`` file as topic-style rows."""

    op: ClassVar[str] = "versions_of"


@dataclass(frozen=True)
class VersionsFile:
    """Deduplicated versions rows merged into one MultiQC-style YAML file named ``name``."""

    op: ClassVar[str] = "versions_file"
    name: str


Source = Union[Output, Var, Mix, Topic]
Operator = Union[Wrap, Join, Combine, First, MapRow, Pick, Files, Concat, ToList, VersionsOf, VersionsFile]


@dataclass(frozen=True)
class Chain:
    """A channel expression: ``source`` then ``ops`` in order."""

    source: Source
    ops: tuple[Operator, ...] = ()

    def then(self, *ops: Operator) -> Chain:
        """This chain followed by ``ops``."""
        return Chain(self.source, self.ops + ops)


@dataclass(frozen=True)
class Line:
    """``def <var> = <chain>`` in the wrapper's workflow block."""

    var: str
    chain: Chain
