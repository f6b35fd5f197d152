"""The embedded store's search index: the same answers as graph.search.rank, found without scoring everything."""
import random

import numpy as np
import pyarrow as pa
import pytest
from rapidfuzz.distance import LCSseq

from graph.model import Node
from graph.search import rank
from graph.search_index import Table
from graph.store_networkx import EmbeddedStore

WORDS = ["security", "securities", "secure", "data", "cloud", "federal", "bureau", "investigation", "office",
         "contracting", "falcon", "palantir", "usg", "systems", "solutions", "group", "holdings", "inc", "llc"]


def _ids(hits) -> list[str]:
    return [hit.node.id for hit in hits]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """400 companies and agencies of 1 to 8 words, many of them equally close to a typo."""
    rng = random.Random(8)
    nodes = [Node(f"company:c{i:03d}", "Company" if i % 4 else "Agency",
                  {"name": " ".join(rng.choice(WORDS) for _ in range(1 + i % 8)).upper(),
                   "aliases": [f"{rng.choice(WORDS)}-{i}"] if i % 3 == 0 else []}) for i in range(400)]
    store = EmbeddedStore(tmp_path_factory.mktemp("index") / "graph.hilos")
    store.write(nodes, [])
    return store, nodes


@pytest.mark.parametrize("query", ["secxrity", "sekurity", "clod", "federal bureau of investigaton",
                                   "office contracting federal data secure", "palantir usg systems solutions grup",
                                   "contracting office federal bureau investigation data cloud",
                                   "falcon-5", "zzzz qqqq"])
def test_ties_long_queries_and_labels_give_rank_s_answers(many, query):
    store, nodes = many
    for labels in (None, ["Agency"]):
        for limit in (1, 3, 10, 40):
            assert _ids(store.search(query, labels=labels, limit=limit)) == _ids(
                rank(query, nodes, labels=labels, limit=limit)), (query, labels, limit)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """120 contracts with award keys sharing their starts, beside companies whose names start alike."""
    rng = random.Random(5)
    nodes = [Node(f"contract:{piid}", "Contract", {"name": piid, "award_key": f"CONT_AWD_{piid}_7012_-NONE-_-NONE-"})
             for piid in sorted({f"70{rng.choice('CD')}{rng.randint(0, 999):03d}" for _ in range(120)})]
    nodes += [Node(f"company:k{i}", "Company", {"name": f"CONT AWD 70C{i} {rng.choice(WORDS)}", "aliases": ["NONE"]})
              for i in range(30)]
    store = EmbeddedStore(tmp_path_factory.mktemp("keyed") / "graph.hilos")
    store.write(nodes, [])
    return store, nodes


@pytest.mark.parametrize("query", ["CONT_AWD_70C", "cont awd 70d1", "cont awd 70c1", "contawd70c1", "CONT_AWD_",
                                   "none", "awd", "70c1", "cont awd 70c12 security"])
def test_identifiers_give_rank_s_answers(keyed, query):
    store, nodes = keyed
    for labels in (None, ["Contract"]):
        for limit in (1, 3, 10, 40):
            assert [(h.node.id, h.score) for h in store.search(query, labels=labels, limit=limit)] == [
                (h.node.id, h.score) for h in rank(query, nodes, labels=labels, limit=limit)], (query, labels, limit)


def test_tied_typos_hand_on_only_as_many_candidates_as_asked(many):
    store, nodes = many
    tied = [hit.score for hit in rank("secxrity", nodes, limit=400)]
    assert len(tied) > 40 and tied.count(tied[4]) > 5  # the 5th hit ties with several others
    index = store._snap.search
    for limit in (1, 5, 12):
        assert len(index.candidates("secxrity", None, limit)) == limit


def test_lcs_of_every_key_at_once_is_the_lcs():
    rng = random.Random(3)
    alphabet = "abcde 0123"
    keys = sorted({"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 70))) for _ in range(300)})
    table = Table.build(pa.array([k.encode() for k in keys], type="binary"),
                        np.arange(len(keys)), np.zeros(len(keys), dtype=np.int64))
    for query in ["abc", "a" * 64, "0a1b2c3d e", "".join(rng.choice(alphabet) for _ in range(40))]:
        found = table.lcs(query, np.arange(len(keys)))
        assert found.tolist() == [LCSseq.similarity(query, key) for key in table.keys]


def test_block_maxima_missing_from_an_older_file_are_worked_out_alike(many):
    store, _ = many
    cols = dict(store._snap.cols)
    saved = cols.pop("s.whole.blockmax")
    assert Table.from_columns(cols, "s.whole").blocks().tolist() == saved.tolist()


@pytest.mark.parametrize("alphabet", ["ab z09 ", "ab z09 -", "ab z09 \x01\xff"])
def test_letter_counts_are_each_key_s_counts_capped_with_other_bytes_as_zero(alphabet):
    rng = random.Random(5)
    keys = [("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) + "a" * rng.choice([0, 300]))
            .encode("latin-1") for _ in range(5000)]
    table = Table.build(pa.array(keys, type="binary"), np.arange(len(keys)), np.zeros(len(keys), dtype=np.int64))
    chars = b"0123456789abcdefghijklmnopqrstuvwxyz "
    for place, number in enumerate(table.by_len.tolist()):
        key = table.keys.raw(number)
        want = [min(sum(c == char or (char == ord("0") and c not in chars) for c in key), 255) for char in chars]
        assert table.counts[:, place].tolist() == want
