"""What an operation may cost, measured before it runs, the way GitHub measures its GraphQL API.

Every connection field (a field whose type is named `...Connection`) asks for one page of `first` or `last`
items from each parent object. Its node count is that page size times the page sizes of every connection
above it; the operation's node count is the sum over its connection fields. Its request count is the product
of the parents' page sizes alone (how many pages the server fetches), and the cost in points is the total
request count over 100, rounded, at least 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values, get_variable_values
from graphql.language import SelectionNode
from graphql.utilities import get_operation_ast

from api.kit.errors import InvalidInput
from api.kit.pagination import MAX_PAGE_SIZE, PageRequest

POINTS_PER_REQUEST_UNIT = 100


@dataclass(frozen=True)
class OperationCost:
    """The worst case of one operation: nodes it could return and pages the server would fetch."""

    node_count: int
    request_count: int

    @property
    def points(self) -> int:
        """The rate-limit points the operation costs: requests over 100, rounded half up, at least 1."""
        return max(1, math.floor(self.request_count / POINTS_PER_REQUEST_UNIT + 0.5))


def measure(
    schema: GraphQLSchema, document: DocumentNode, *, operation_name: str | None, variables: dict[str, Any] | None
) -> OperationCost | None:
    """The cost of the operation a valid `document` runs, or None when its variables do not fit (execution says why).

    Raises a GraphQLError (code INVALID) for a connection asked without a valid `first` or `last`.
    """
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walker = _Walker(schema, fragments, coerced)
    walker.walk(root, [operation.selection_set], multiplier=1, path=())
    return OperationCost(node_count=walker.node_count, request_count=walker.request_count)


class _Walker:
    """Adds up nodes and requests over the selection tree, fragments included."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: VariableValues) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.node_count = 0
        self.request_count = 0

    def walk(self, parent: Any, selection_sets: Iterable[SelectionSetNode], *, multiplier: int,
             path: tuple[str, ...]) -> None:
        """Account for every field selected on `parent` objects, `multiplier` of them at most."""
        for owner, key, nodes in self._collect(parent, selection_sets):
            definition = getattr(owner, "fields", {}).get(nodes[0].name.value)
            if definition is None:  # __typename and the introspection fields cost nothing
                continue
            field_path = (*path, key)
            arguments = get_argument_values(definition, nodes[0], self.variables)
            child_type = get_named_type(definition.type)
            child_multiplier = multiplier
            if child_type.name.endswith("Connection"):
                size = _page_size(definition, arguments, nodes[0], field_path)
                self.node_count += multiplier * size
                self.request_count += multiplier
                child_multiplier = multiplier * size
            elif isinstance(get_nullable_type(definition.type), GraphQLList) and isinstance(arguments.get("ids"), list):
                child_multiplier = multiplier * len(arguments["ids"])  # nodes(ids:) fetches one object per id
            children = [node.selection_set for node in nodes if node.selection_set]
            if children:
                self.walk(child_type, children, multiplier=child_multiplier, path=field_path)

    def _collect(self, parent: Any,
                 selection_sets: Iterable[SelectionSetNode]) -> list[tuple[Any, str, list[FieldNode]]]:
        """(type that defines the field, response key, its nodes); same-key fields merge as they do at execution.

        As at execution, a fragment spread twice into one selection adds its fields once.
        """
        fields: dict[tuple[str, str], tuple[Any, str, list[FieldNode]]] = {}
        spread: set[str] = set()
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                self._collect_one(parent, selection, fields, spread)
        return list(fields.values())

    def _collect_one(self, parent: Any, selection: SelectionNode,
                     fields: dict[tuple[str, str], tuple[Any, str, list[FieldNode]]], spread: set[str]) -> None:
        if not self._included(selection):
            return
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            fields.setdefault((parent.name, key), (parent, key, []))[2].append(selection)
            return
        if isinstance(selection, InlineFragmentNode):
            narrowed = self._narrowed(parent, selection.type_condition.name.value if selection.type_condition else None)
            for inner in selection.selection_set.selections:
                self._collect_one(narrowed, inner, fields, spread)
            return
        if isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
            spread.add(selection.name.value)
            fragment = self.fragments[selection.name.value]
            narrowed = self._narrowed(parent, fragment.type_condition.name.value)
            for inner in fragment.selection_set.selections:
                self._collect_one(narrowed, inner, fields, spread)

    def _narrowed(self, parent: Any, type_name: str | None) -> Any:
        # A fragment on an object type resolves its fields there; on an abstract type, the interface's own fields.
        if type_name is None:
            return parent
        named = self.schema.get_type(type_name)
        return named if isinstance(named, GraphQLObjectType) or not isinstance(parent, GraphQLObjectType) else parent

    def _included(self, selection: SelectionNode) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, selection, self.variables)
        if skip and skip["if"]:
            return False
        include = get_directive_values(GraphQLIncludeDirective, selection, self.variables)
        return not (include and not include["if"])


def _page_size(definition: Any, arguments: dict[str, Any], node: FieldNode, path: tuple[str, ...]) -> int:
    """The page size a connection field asks for, checked as the resolver would check it."""
    if "first" not in definition.args and "last" not in definition.args:
        return MAX_PAGE_SIZE
    try:
        return PageRequest(first=arguments.get("first"), last=arguments.get("last"),
                           after=arguments.get("after"), before=arguments.get("before")).size
    except InvalidInput as error:
        raise GraphQLError(
            f"{'.'.join(path)}: {error.message}", nodes=node, extensions={"code": error.code, "field": error.field}
        ) from None
