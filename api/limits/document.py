"""Limits on the document itself, checked while parsing and validating: tokens, depth, aliases, introspection.

Depth and aliases are measured with each fragment measured once, however often it is spread: a walk that
re-enters a fragment at every spread takes exponential time on a small document whose fragments each spread
the next one twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule, ValidationRule
from strawberry.extensions import ParserCache

TOKEN_LIMIT_EXCEEDED = "TOKEN_LIMIT_EXCEEDED"
DEPTH_LIMIT_EXCEEDED = "DEPTH_LIMIT_EXCEEDED"
ALIAS_LIMIT_EXCEEDED = "ALIAS_LIMIT_EXCEEDED"
INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"


class TokenLimitedParserCache(ParserCache):
    """Strawberry's bounded LRU parser cache, with the parser stopping after `max_tokens` tokens.

    The limit counts comments too, so padding a document with comments does not get around it.
    """

    def __init__(self, *, maxsize: int, max_tokens: int) -> None:
        super().__init__(maxsize=maxsize)
        self.max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLSyntaxError as error:
            if f"more than {self.max_tokens} tokens" in error.message:
                error.message = f"The document has more than {self.max_tokens} tokens, the limit; send a smaller query."
                error.extensions = {"code": TOKEN_LIMIT_EXCEEDED, "maxTokens": self.max_tokens}
            raise
        yield


def shape_rules(*, max_depth: int, max_aliases: int, introspection: bool) -> list[type[ASTValidationRule]]:
    """The rules that bound a document's depth and aliases, and refuse introspection when it is off.

    Built once per schema: the validation cache is keyed by the rule classes, so they must not change per request.
    """
    rules = [depth_limit(max_depth), alias_limit(max_aliases)]
    if not introspection:
        rules.append(IntrospectionDisabled)
    return rules


def depth_limit(max_depth: int) -> type[ASTValidationRule]:
    """A rule refusing an operation whose fields nest more than `max_depth` levels below its root fields."""

    class DepthLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            measure = _FragmentMeasure(node, _depth)
            for operation in _operations(node):
                depth = measure(operation.selection_set)
                if depth > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    self.report_error(GraphQLError(
                        f"'{name}' nests {depth} levels deep, more than the maximum operation depth of {max_depth}.",
                        operation,
                        extensions={"code": DEPTH_LIMIT_EXCEEDED, "depth": depth, "maximumDepth": max_depth},
                    ))

    return DepthLimit


def alias_limit(max_aliases: int) -> type[ASTValidationRule]:
    """A rule refusing a document whose operations use more than `max_aliases` aliases, fragments included."""

    class AliasLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> None:
            measure = _FragmentMeasure(node, _aliases)
            count = sum(measure(operation.selection_set) for operation in _operations(node))
            if count > max_aliases:
                self.report_error(GraphQLError(
                    f"{count} aliases found, more than the {max_aliases} allowed.",
                    extensions={"code": ALIAS_LIMIT_EXCEEDED, "aliases": count, "maximumAliases": max_aliases},
                ))

    return AliasLimit


class IntrospectionDisabled(NoSchemaIntrospectionCustomRule):
    """graphql-core's rule refusing __schema and __type, with a code on its errors."""

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": INTROSPECTION_DISABLED}
        super().report_error(error)


Measure = Callable[[SelectionSetNode, Callable[[str], int]], int]


class _FragmentMeasure:
    """A measure of selection sets in which each fragment is measured once (unknown or cyclic ones count 0)."""

    def __init__(self, document: DocumentNode, measure: Measure) -> None:
        self._fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._measure = measure
        self._known: dict[str, int] = {}
        self._entered: set[str] = set()

    def __call__(self, selection_set: SelectionSetNode) -> int:
        return self._measure(selection_set, self._fragment)

    def _fragment(self, name: str) -> int:
        if name not in self._known:
            if name in self._entered or name not in self._fragments:
                return 0  # NoFragmentCyclesRule and KnownFragmentNamesRule report these
            self._entered.add(name)
            self._known[name] = self(self._fragments[name].selection_set)
        return self._known[name]


def _depth(selection_set: SelectionSetNode, fragment: Callable[[str], int]) -> int:
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.selection_set and not selection.name.value.startswith("__"):
            deepest = max(deepest, 1 + _depth(selection.selection_set, fragment))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(deepest, _depth(selection.selection_set, fragment))
        elif isinstance(selection, FragmentSpreadNode):
            deepest = max(deepest, fragment(selection.name.value))
    return deepest


def _aliases(selection_set: SelectionSetNode, fragment: Callable[[str], int]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += (1 if selection.alias else 0) + (_aliases(selection.selection_set, fragment)
                                                      if selection.selection_set else 0)
        elif isinstance(selection, InlineFragmentNode):
            count += _aliases(selection.selection_set, fragment)
        elif isinstance(selection, FragmentSpreadNode):
            count += fragment(selection.name.value)
    return count


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
