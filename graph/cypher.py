"""Every Cypher statement Hilos runs, in one place to review and lint.

Values always travel as `$parameters`. Labels and relationship types come only
from the declared schema (graph.schema), backtick-quoted; the only other text
put into a statement is this module's own constants (index names, the full-text
analyzer, the index wait). Paths are not searched in Cypher: graph.neo4j_paths
drives the embedded store's search with `path_steps` reads, so both stores give
the same paths. `python -m graph.cypher --dump-json` prints every statement
with example parameters for scripts/lint_cypher.mjs.

Storage model: every node carries the common label `Entity` plus its schema
label, the properties of graph.model.Node (lists stay lists) and `search_keys`,
the folded names and aliases (and identifiers, whole) that the full-text index
serves to search. One relationship per (source, type, target) holds the edge's
properties.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from graph.errors import SchemaError
from graph.schema import get_schema

ENTITY = "Entity"
FULLTEXT_INDEX = "entity_search"
FULLTEXT_ANALYZER = "standard-no-stop-words"  # on folded text it splits on spaces, like graph.text.fold
# The full-text index is updated on a background thread of the server, not in each committing transaction
# (a 100k-row USAspending load's Contract nodes took a fifth less server CPU so); a write awaits the updates
# (AWAIT_SEARCH) before it returns, so search sees all of it. An index made with other options is remade.
FULLTEXT_CONFIG = {"fulltext.analyzer": FULLTEXT_ANALYZER, "fulltext.eventually_consistent": True}
SEARCH_KEYS = "search_keys"
# Labels and types that may appear in a statement: the schema's, plus the common label.
SCHEMA_LABELS = tuple(get_schema().labels)
LABELS = (ENTITY, *SCHEMA_LABELS)
REL_TYPES = tuple(get_schema().rel_types)
if ENTITY in get_schema().labels:
    raise SchemaError(f"'{ENTITY}' is reserved for the Neo4j store: rename that label in graph/schema/labels.yaml")


def quote(name: str) -> str:
    """A backtick-quoted identifier (backticks inside are doubled)."""
    return "`" + name.replace("`", "``") + "`"


def label(name: str) -> str:
    """`:Label` for a declared label; SchemaError otherwise."""
    if name not in LABELS:
        raise SchemaError(f"label {name!r} is not in the declared schema")
    return ":" + quote(name)


def rel_type(name: str) -> str:
    """`:TYPE` for a declared relationship type; SchemaError otherwise."""
    if name not in REL_TYPES:
        raise SchemaError(f"relationship type {name!r} is not in the declared schema")
    return ":" + quote(name)


E = label(ENTITY)  # ":`Entity`", in every node pattern


def _by_id(*variables: str) -> str:
    """Index hints for nodes matched by id. Without them a plan cached while the
    database was empty scans every node per row once it is full."""
    return " ".join(f"USING INDEX {var}{E}(id)" for var in variables)

# The schema label of node `n` (every node has exactly one besides Entity).
_LABEL_OF_N = f"[l IN labels(n) WHERE l <> '{ENTITY}'][0]"

# -- schema bootstrap (all idempotent) -----------------------------------------


def _plain_index_name(label_name: str, prop: str) -> str:
    return f"{label_name.lower()}_{prop}"


def _index_name(label_name: str, prop: str) -> str:
    return quote(_plain_index_name(label_name, prop))


def schema_statements() -> list[str]:
    """Uniqueness of `id` per label, a name index per schema label, the full-text index."""
    statements = [f"CREATE CONSTRAINT {_index_name(name, 'id')} IF NOT EXISTS "
                  f"FOR (n{label(name)}) REQUIRE n.id IS UNIQUE" for name in LABELS]
    statements += [f"CREATE INDEX {_index_name(name, 'name')} IF NOT EXISTS FOR (n{label(name)}) ON (n.name)"
                   for name in SCHEMA_LABELS]
    config = ", ".join(f"{quote(key)}: {json.dumps(value)}" for key, value in FULLTEXT_CONFIG.items())
    statements.append(f"CREATE FULLTEXT INDEX {quote(FULLTEXT_INDEX)} IF NOT EXISTS FOR (n{E}) "
                      f"ON EACH [n.{SEARCH_KEYS}] OPTIONS {{indexConfig: {{{config}}}}}")
    return statements


def schema_names() -> set[str]:
    """The names of the indexes schema_statements creates (a uniqueness constraint's index has its name)."""
    names = ({_plain_index_name(name, "id") for name in LABELS}
             | {_plain_index_name(name, "name") for name in SCHEMA_LABELS})
    return names | {FULLTEXT_INDEX}


def drop_schema_statements() -> list[str]:
    """The reverse of schema_statements (tests that need an empty schema)."""
    statements = [f"DROP CONSTRAINT {_index_name(name, 'id')} IF EXISTS" for name in LABELS]
    statements += [f"DROP INDEX {_index_name(name, 'name')} IF EXISTS" for name in SCHEMA_LABELS]
    statements.append(DROP_FULLTEXT)
    return statements


DROP_FULLTEXT = f"DROP INDEX {quote(FULLTEXT_INDEX)} IF EXISTS"
AWAIT_SEARCH = "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()"


INDEX_WAIT_SECONDS = 300
AWAIT_INDEXES = f"CALL db.awaitIndexes({INDEX_WAIT_SECONDS})"  # returns as soon as every index is online
SHOW_CONSTRAINTS = ("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                    "RETURN name, type, labelsOrTypes, properties")
SHOW_INDEXES = ("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state, options "
                "RETURN name, type, labelsOrTypes, properties, state, options")
# Batched, so that clearing a big graph does not outgrow the server's transaction memory (auto-commit only).
# Relationships first: a DETACH DELETE batch of 10,000 nodes that holds a hub drags all of its relationships
# into one transaction (a 100k-row USAspending load's agencies outgrew the test server's 716 MB that way).
CLEAR = ("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
         "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS")

# -- writes --------------------------------------------------------------------


def merge_nodes(label_name: str, rows: str = "$rows") -> str:
    """Upsert nodes of one label; each row is the node's full property map (id and search_keys included).

    1. MERGE on the Entity id (unique), 2. replace every property with the
    already-merged map, 3. set this label and drop any other schema label (a
    node whose label changed). `rows` is `$rows`, or a literal list in exports.
    """
    others = "".join(label(name) for name in SCHEMA_LABELS if name != label_name)
    statement = f"UNWIND {rows} AS row MERGE (n{E} {{id: row.id}}) SET n = row, n{label(label_name)}"
    return f"{statement} REMOVE n{others}" if others else statement


def merge_edges(type_name: str, rows: str = "$rows") -> str:
    """Upsert relationships of one type from `rows` ({source, target, properties}).

    1. MATCH both ends by Entity id, 2. MERGE the one relationship of this type
    between them, 3. replace its properties with the already-merged map.
    """
    return (f"UNWIND {rows} AS row MATCH (a{E} {{id: row.source}}) {_by_id('a')} "
            f"MATCH (b{E} {{id: row.target}}) {_by_id('b')} "
            f"MERGE (a)-[r{rel_type(type_name)}]->(b) SET r = row.properties")


def create_nodes(label_name: str) -> str:
    """Create nodes of one label known to be new (the uniqueness constraint still refuses a taken id)."""
    return f"UNWIND $rows AS row CREATE (n{E}{label(label_name)}) SET n = row"


def create_edges(type_name: str) -> str:
    """Create relationships of one type known to be new, from `$rows` ({source, target, properties})."""
    return (f"UNWIND $rows AS row MATCH (a{E} {{id: row.source}}) {_by_id('a')} "
            f"MATCH (b{E} {{id: row.target}}) {_by_id('b')} "
            f"CREATE (a)-[r{rel_type(type_name)}]->(b) SET r = row.properties")


# Undoing a write (graph.neo4j_write): delete what it created, by id and by (source, type, target).
DELETE_NODES = f"UNWIND $rows AS id MATCH (n{E} {{id: id}}) {_by_id('n')} DETACH DELETE n"
def _edge_by_key(key: str) -> str:
    """`r`, the relationship of each (source id, type, target id) `key` found (none when absent).

    It is looked for from the end with fewer relationships: matched between
    two nodes found by id, the planner expands from either end (Expand(Into)),
    and from a hub that took about a millisecond per key.
    """
    return (f"MATCH (a{E} {{id: {key}[0]}}) {_by_id('a')} MATCH (b{E} {{id: {key}[2]}}) {_by_id('b')} "
            f"CALL (a, b, {key}) {{ WITH a, b, {key} WHERE COUNT {{ (a)-->() }} <= COUNT {{ (b)<--() }} "
            f"MATCH (a)-[r]->(x) WHERE type(r) = {key}[1] AND x.id = {key}[2] RETURN r "
            f"UNION ALL WITH a, b, {key} WHERE COUNT {{ (a)-->() }} > COUNT {{ (b)<--() }} "
            f"MATCH (x)-[r]->(b) WHERE type(r) = {key}[1] AND x.id = {key}[0] RETURN r }}")


DELETE_EDGES = f"UNWIND $rows AS key {_edge_by_key('key')} DELETE r"

# Reads return ONE record whose `rows` column lists the results: the Python
# driver spends far more per record than per list item. A node row is
# [properties, labels]; an edge row is [source id, type, target id, properties].
_NODE_ROW = "[properties(n), labels(n)]"
_EDGE_ROW = "[startNode(r).id, type(r), endNode(r).id, properties(r)]"

EXISTING_NODES = f"UNWIND $ids AS id MATCH (n{E} {{id: id}}) {_by_id('n')} RETURN collect({_NODE_ROW}) AS rows"
EXISTING_IDS = f"UNWIND $ids AS id MATCH (n{E} {{id: id}}) {_by_id('n')} RETURN collect(n.id) AS rows"
EXISTING_EDGES = f"UNWIND $keys AS key {_edge_by_key('key')} RETURN collect({_EDGE_ROW}) AS rows"
# What the database holds, from its counts (no scan): [nodes, relationships of each of REL_TYPES].
HELD_COUNTS = ("RETURN [COUNT { (" + E + ") }, "
               + ", ".join(f"COUNT {{ ()-[{rel_type(name)}]->() }}" for name in REL_TYPES) + "] AS rows")

# -- reads ---------------------------------------------------------------------

NODE_BY_ID = f"MATCH (n{E} {{id: $id}}) {_by_id('n')} RETURN collect({_NODE_ROW}) AS rows"
# The Cypher console: the ends of relationships a user's query returned without their nodes, to draw them.
NODES_BY_ELEMENT_ID = "MATCH (n) WHERE elementId(n) IN $element_ids RETURN n"


def nodes_of(label_name: str = ENTITY) -> str:
    """Every node of one label (default: all)."""
    return f"MATCH (n{label(label_name)}) RETURN collect({_NODE_ROW}) AS rows"


ALL_EDGES = f"MATCH ({E})-[r]->({E}) RETURN collect({_EDGE_ROW}) AS rows"
EDGES_OF = f"MATCH (n{E} {{id: $id}})-[r]-({E}) {_by_id('n')} WITH DISTINCT r RETURN collect({_EDGE_ROW}) AS rows"
RELATIONSHIP_COUNTS = (f"MATCH (n{E} {{id: $id}})-[r]-({E}) {_by_id('n')} WITH DISTINCT n, r "
                       "WITH type(r) AS type, startNode(r) = n AS outgoing, count(*) AS count "
                       "RETURN collect([type, outgoing, count]) AS rows")
# Relationships joining consecutive path nodes (either direction): the store picks each hop's edge.
EDGES_BETWEEN = (f"UNWIND $pairs AS pair MATCH (a{E} {{id: pair[0]}})-[r]-(b{E} {{id: pair[1]}}) {_by_id('a', 'b')} "
                 f"RETURN collect({_EDGE_ROW}) AS rows")
EDGES_AMONG = (f"UNWIND $ids AS id MATCH (a{E} {{id: id}})-[r]->(b{E}) {_by_id('a')} WHERE b.id IN $ids "
               f"RETURN collect({_EDGE_ROW}) AS rows")
COUNT_NODES = f"MATCH (n{E}) RETURN [count(n)] AS rows"  # from the count store, not a scan
COUNT_LABELS = f"MATCH (n{E}) WITH {_LABEL_OF_N} AS label, count(*) AS count RETURN collect([label, count]) AS rows"
COUNT_TYPES = (f"MATCH ({E})-[r]->({E}) WITH type(r) AS type, coalesce(r.evidence, '') AS evidence, count(*) AS count "
               "RETURN collect([type, evidence, count]) AS rows")

# Search: [id, label, name, aliases, {identifier property: value}] of candidates (of $labels, if any), ranked by
# graph.search.rank in Python.
IDENTIFIERS = sorted({prop for spec in get_schema().labels.values() for prop in spec.identifiers})
_SEARCH_ROW = f"[n.id, label, n.name, n.aliases, n {{{', '.join(f'.{quote(prop)}' for prop in IDENTIFIERS)}}}]"
_NAME_ROWS = (f"WITH n, {_LABEL_OF_N} AS label WHERE size($labels) = 0 OR label IN $labels "
              f"RETURN collect({_SEARCH_ROW}) AS rows")
NO_CAP = 2 ** 62  # SEARCH_FULLTEXT's $cap when every hit is wanted
SEARCH_FULLTEXT = (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $query) YIELD node "
                   f"WITH node AS n WITH n, {_LABEL_OF_N} AS label WHERE size($labels) = 0 OR label IN $labels "
                   f"WITH n, label LIMIT $cap RETURN collect({_SEARCH_ROW}) AS rows")
SEARCH_SCAN = f"MATCH (n{E}) {_NAME_ROWS}"

# Neighbourhoods: one BFS level at a time. For each frontier node, the neighbours that pass the filter
# (some joining relationship passes it, and the neighbour does), each with its ordering amount (the
# biggest of the joining relationships' and its own; not a number counts 0, as graph.snapshot.amount_of),
# and only the $wanted biggest (ties at the last one kept, as graph.traverse._ordered): the store orders
# them by (-amount, name, id) in Python. A row is [frontier id, [[id, label, name, amount], ...]].
_AMOUNT_OF = "coalesce(CASE WHEN {0}.amount_usd IS :: INTEGER | FLOAT THEN toFloat({0}.amount_usd) END, 0.0)"
NEIGHBOURS_OF = (
    f"UNWIND $ids AS current MATCH (c{E} {{id: current}})-[r]-(n{E}) {_by_id('c')} WHERE n <> c "
    "WITH current, n, collect(r) AS rs "
    f"WHERE NOT n.id IN $avoid AND (size($labels) = 0 OR any(l IN labels(n) WHERE l <> '{ENTITY}' AND l IN $labels)) "
    "AND any(r IN rs WHERE (size($rel_types) = 0 OR type(r) IN $rel_types) "
    "AND (size($evidence) = 0 OR coalesce(r.evidence, '') IN $evidence) "
    "AND (size($fiscal_years) = 0 OR r.fiscal_year IS NULL OR r.fiscal_year IN $fiscal_years)) "
    f"WITH current, n, reduce(most = {_AMOUNT_OF.format('n')}, r IN rs | "
    f"CASE WHEN {_AMOUNT_OF.format('r')} > most THEN {_AMOUNT_OF.format('r')} ELSE most END) AS amount "
    "ORDER BY amount DESC "
    "WITH current, collect([n, amount]) AS found "
    "WITH current, found, CASE WHEN size(found) > $wanted THEN found[$wanted - 1][1] ELSE -1.0 END AS least "
    f"RETURN collect([current, [x IN found WHERE x[1] >= least | "
    f"[x[0].id, [l IN labels(x[0]) WHERE l <> '{ENTITY}'][0], x[0].name, x[1]]]]) AS rows")

# -- paths ---------------------------------------------------------------------
# graph.traverse runs the path search in Python, reading one frontier at a time (graph.neo4j_paths).

_EDGE_OK = ("(size($rel_types) = 0 OR type(r) IN $rel_types) "
            "AND (size($evidence) = 0 OR coalesce(r.evidence, '') IN $evidence) "
            "AND (size($fiscal_years) = 0 OR r.fiscal_year IS NULL OR r.fiscal_year IN $fiscal_years)")
# The ends of the path ($keep) always pass, as graph.traverse.Rules keeps them.
_NODE_OK = (f"(n.id IN $keep OR (NOT n.id IN $avoid AND "
            f"(size($labels) = 0 OR any(l IN labels(n) WHERE l <> '{ENTITY}' AND l IN $labels))))")
_DEGREE = "COUNT { (n)--() }"  # from the node's degree counts, not a scan
# [id, degree] of the ends of a path search that exist.
PATH_ENDS = f"UNWIND $ids AS id MATCH (n{E} {{id: id}}) {_by_id('n')} RETURN collect([n.id, {_DEGREE}]) AS rows"
_ARROWS = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}


def path_steps(direction: str) -> str:
    """The allowed steps from each node of $ids: rows [id, [[neighbour id, neighbour degree], ...]].

    1. find each node by id, 2. its relationships going `direction` ("out",
    "in" or "both") that pass the edge filter, to neighbours that pass the
    node filter (and are in $within, unless it is null), no self-loops,
    3. each neighbour once, with its degree (the search grows the side with
    fewer relationships to scan).
    """
    if direction not in _ARROWS:
        raise ValueError(f"direction must be one of {', '.join(_ARROWS)}, not {direction!r}")
    left, right = _ARROWS[direction]
    return (f"UNWIND $ids AS current MATCH (c{E} {{id: current}}) {_by_id('c')} "
            f"MATCH (c){left}[r]{right}(n{E}) WHERE n <> c AND {_EDGE_OK} AND {_NODE_OK} "
            "AND ($within IS NULL OR n.id IN $within) "
            f"WITH DISTINCT current, n WITH current, collect([n.id, {_DEGREE}]) AS found "
            "RETURN collect([current, found]) AS rows")


# -- catalogue for the linter ----------------------------------------------------

_PROPS = {"id": "company:acme", "name": "Acme", "aliases": ["ACME"], SEARCH_KEYS: "acme"}
_FILTER_PARAMS = {"rel_types": ["USES"], "evidence": ["seed"], "fiscal_years": [2014], "labels": ["Agency"],
                  "avoid": ["product:x"]}


def catalogue() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, statement, example parameters) for every statement above, every label/type variant included,
    and the Cypher console's example queries (graph/queries/examples.yaml) with their parameters."""
    ids = {"ids": ["company:acme", "agency:ice"]}
    items: list[tuple[str, str, dict[str, Any]]] = [
        (f"schema_statements[{i}]", text, {}) for i, text in enumerate(schema_statements())]
    items += [(f"drop_schema_statements[{i}]", text, {}) for i, text in enumerate(drop_schema_statements())]
    items += [
        ("AWAIT_INDEXES", AWAIT_INDEXES, {}),
        ("SHOW_CONSTRAINTS", SHOW_CONSTRAINTS, {}),
        ("SHOW_INDEXES", SHOW_INDEXES, {}),
        ("DROP_FULLTEXT", DROP_FULLTEXT, {}),
        ("AWAIT_SEARCH", AWAIT_SEARCH, {}),
        *((f"CLEAR[{i}]", text, {}) for i, text in enumerate(CLEAR)),
        ("EXISTING_NODES", EXISTING_NODES, ids),
        ("EXISTING_IDS", EXISTING_IDS, ids),
        ("EXISTING_EDGES", EXISTING_EDGES, {"keys": [["company:acme", "DEVELOPS", "product:x"]]}),
        ("HELD_COUNTS", HELD_COUNTS, {}),
        ("NODE_BY_ID", NODE_BY_ID, {"id": "company:acme"}),
        ("NODES_BY_ELEMENT_ID", NODES_BY_ELEMENT_ID, {"element_ids": ["4:5d3e6a3c-08d1-4a5e-9f1a-1c0f7e1c2b11:0"]}),
        ("ALL_EDGES", ALL_EDGES, {}),
        ("EDGES_OF", EDGES_OF, {"id": "company:acme"}),
        ("RELATIONSHIP_COUNTS", RELATIONSHIP_COUNTS, {"id": "company:acme"}),
        ("EDGES_BETWEEN", EDGES_BETWEEN, {"pairs": [["company:acme", "product:x"]]}),
        ("EDGES_AMONG", EDGES_AMONG, ids),
        ("COUNT_NODES", COUNT_NODES, {}),
        ("COUNT_LABELS", COUNT_LABELS, {}),
        ("COUNT_TYPES", COUNT_TYPES, {}),
        ("SEARCH_FULLTEXT", SEARCH_FULLTEXT, {"query": "(acme*) OR acme", "labels": ["Company"], "cap": 2000}),
        ("SEARCH_SCAN", SEARCH_SCAN, {"labels": []}),
        ("NEIGHBOURS_OF", NEIGHBOURS_OF, {**ids, "wanted": 201, **_FILTER_PARAMS}),
        ("PATH_ENDS", PATH_ENDS, ids),
    ]
    rows = {"rows": [_PROPS]}
    edge_rows = {"rows": [{"source": "company:acme", "target": "product:x", "properties": {"evidence": "seed"}}]}
    items += [(f"merge_nodes({name})", merge_nodes(name), rows) for name in SCHEMA_LABELS]
    items += [(f"merge_edges({name})", merge_edges(name), edge_rows) for name in REL_TYPES]
    items += [(f"create_nodes({name})", create_nodes(name), rows) for name in SCHEMA_LABELS]
    items += [(f"create_edges({name})", create_edges(name), edge_rows) for name in REL_TYPES]
    items += [("DELETE_NODES", DELETE_NODES, {"rows": ["company:acme"]}),
              ("DELETE_EDGES", DELETE_EDGES, {"rows": [["company:acme", "DEVELOPS", "product:x"]]})]
    items += [(f"nodes_of({name})", nodes_of(name), {}) for name in LABELS]
    steps = {**ids, **_FILTER_PARAMS, "keep": ["company:acme", "agency:ice"]}
    items += [(f"path_steps({direction}, {within})", path_steps(direction), {**steps, "within": within})
              for direction in _ARROWS for within in (None, ["product:x"])]
    from graph.query_library import examples  # the console's examples are data, linted with the rest

    items += [(query.key, query.text, dict(query.parameters)) for query in examples()]
    return items


def lint_schema() -> dict[str, list[str]]:
    """Labels, types and property keys the linter should treat as existing."""
    schema = get_schema()
    keys = {SEARCH_KEYS, *schema.rel_properties}
    for spec in schema.labels.values():
        keys.update(spec.properties)
    return {"labels": list(LABELS), "relationshipTypes": list(REL_TYPES), "propertyKeys": sorted(keys)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m graph.cypher", description=__doc__.splitlines()[0])
    parser.add_argument("--dump-json", action="store_true", help="Print every statement with example parameters.")
    args = parser.parse_args(argv)
    if not args.dump_json:
        parser.print_help()
        return
    statements = [{"name": name, "query": text, "parameters": params} for name, text, params in catalogue()]
    json.dump({"schema": lint_schema(), "statements": statements}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
