"""Full-text search over labels, quotes and text: diacritics, numbers, codes, ranking, marks."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest

from fdigraph import fulltext
from fdigraph.build import BuildResult
from fdigraph.search import Hit, Passage, expression, score, search, terms, words
from fdigraph.vocab import fold

ID = "https://fdigraph.example/id/"
LETTERS = "aàáảãạăằắẳẵặâầấẩẫậđeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"


@pytest.fixture(scope="module")
def index(graph_store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> fulltext.Index:
    path = tmp_path_factory.mktemp("index") / fulltext.FILE
    return fulltext.Index.open(fulltext.store_index(graph_store, path, "test-build"))


def marked(passage: Passage) -> list[str]:
    return [piece for piece, hit in passage.segments() if hit]


def first(hits: list[Hit], iri: str) -> Hit:
    found = [h for h in hits if h.iri == iri]
    assert found, f"{iri} not in {[h.iri for h in hits]}"
    return found[0]


@pytest.mark.parametrize(
    "text", ["bac giang", "Bac Giang", "BẮC GIANG", "Bắc Giang", "  bắc   giang "]
)
def test_province_found_however_it_is_typed(index: fulltext.Index, text: str) -> None:
    hits = search(index, text)
    assert hits[0].iri == ID + "area/VN-54"
    assert hits[0].label_vi == "Bắc Giang" and hits[0].kind == "Province"


def test_quotes_are_found_without_diacritics_and_marked(index: fulltext.Index) -> None:
    hits = search(index, "lao dong qua dao tao")
    hit = first(hits, ID + "obs/bac-giang-fdi-2024/bg-trained-labour-2023")
    assert hits.index(hit) < 3
    quote = hit.passages[0]
    assert quote.field == "quote" and quote.iri.startswith(ID + "quote/")
    assert marked(quote) == ["lao động qua đào tạo"]
    assert "Tỉ lệ lao động qua đào tạo năm 2023" in quote.text


def test_a_figure_with_its_separator_is_found_as_written(index: fulltext.Index) -> None:
    hits = search(index, "1,6 ty USD")
    hit = hits[0]
    assert hit.iri == ID + "obs/bac-giang-fdi-2024/bg-fdi-2024-8m"
    assert {p.iri.rsplit("/", 1)[-1] for p in hit.passages} == {
        "bg-fdi-2024-8m-1",
        "bg-fdi-2024-8m-2",
    }
    assert all(marked(p) == ["1,6 tỷ USD"] for p in hit.passages)
    top = search(index, "1.543,7")[0]
    assert top.iri == ID + "obs/bac-giang-fdi-2024/bg-investment-2024-7m"
    assert marked(top.passages[0]) == ["1.543,7"]
    # "16" is another number: the parts of "1,6" never match it, nor it them.
    assert ID + "obs/bac-giang-fdi-2024/bg-fdi-2024-8m" not in [
        h.iri for h in search(index, "16 ty")
    ]


@pytest.mark.parametrize("code", ["VN-54", "vn-54", " VN-54 "])
def test_codes_are_found_exactly(index: fulltext.Index, code: str) -> None:
    hits = search(index, code)
    assert hits[0].iri == ID + "area/VN-54" and hits[0].matched == "code"


def test_a_code_is_not_found_by_a_part_of_it(index: fulltext.Index) -> None:
    assert all(h.matched != "code" for h in search(index, "VN-5"))
    assert search(index, "JP")[0].iri == ID + "area/JP"
    hits = search(index, "2.1")  # a notation: the criterion "less land"
    assert hits[0].iri == ID + "concept/criterion-less-land" and hits[0].matched == "code"


def test_the_article_text_is_searched_too(index: fulltext.Index) -> None:
    hits = search(index, "niem tin cho nha dau tu")
    hit = first(hits, ID + "article/bac-giang-fdi-2024")
    text = next(p for p in hit.passages if p.field == "text")
    assert marked(text)[0] == "niềm tin cho nhà đầu tư"
    assert len(text.text) < 400  # a window around the match, not the whole page


def test_typed_with_diacritics_or_decomposed_the_same(index: fulltext.Index) -> None:
    plain = [h.iri for h in search(index, "lao dong qua dao tao")]
    assert [h.iri for h in search(index, "lao động qua đào tạo")] == plain
    assert [
        h.iri for h in search(index, unicodedata.normalize("NFD", "LAO ĐỘNG qua đào tạo"))
    ] == plain


def test_semiconductor_without_diacritics(index: fulltext.Index) -> None:
    hits = search(index, "ban dan")
    assert hits[0].iri == ID + "concept/sector-semiconductor-chips"
    assert marked(hits[0].passages[0]) == ["bán dẫn"]


def test_english_labels_and_prefixes_are_searched_too(index: fulltext.Index) -> None:
    assert search(index, "semiconductor")[0].iri == ID + "concept/sector-semiconductor-chips"
    assert search(index, "semicond")[0].iri == ID + "concept/sector-semiconductor-chips"
    assert search(index, "Japan")[0].iri == ID + "area/JP"


def test_every_word_must_match(index: fulltext.Index) -> None:
    hits = search(index, "bac ninh")
    assert hits[0].iri in (ID + "area/VN-56", ID + "area/bac-ninh-2025")
    assert ID + "area/VN-54" not in [h.iri for h in hits]


def test_nothing_found_is_an_empty_list(index: fulltext.Index) -> None:
    assert search(index, "zzzz qqqq") == []
    assert search(index, "!!! ---") == []
    assert search(index, "") == []


@pytest.mark.parametrize(
    "text",
    ['") } DROP ALL #', "'> <x", '"bac" OR giang', "bac* NEAR(giang)", "vi: bac", "^bac -x"],
)
def test_hostile_text_is_only_words(index: fulltext.Index, text: str) -> None:
    assert all(set(w) <= set("abcdefghijklmnopqrstuvwxyz0123456789") for w in words(text))
    assert isinstance(search(index, text), list)  # FTS5 syntax in the text is never syntax


def test_the_fts5_expression_quotes_every_term() -> None:
    assert terms("Bắc-Giang 1,6 tỷ") == [("bac", "giang"), ("1", "6"), ("ty",)]
    assert (
        expression(terms("Bắc-Giang 1,6 tỷ 2024")) == '"bac giang" AND "1 6" AND "ty"* AND "2024"'
    )


def test_limit_is_respected(index: fulltext.Index) -> None:
    assert len(search(index, "a", limit=5)) == 5


def test_exact_label_beats_longer_label() -> None:
    assert score("bac giang", ["bac", "giang"], "Province") > score(
        "bac giang 7 thang thu hut", ["bac", "giang"], "TeaserSnippet"
    )
    assert score("bac giang", ["bac", "giang"], "Province") > score(
        "bac giang", ["bac", "giang"], "Observation"
    )


def test_the_tokenizer_folds_every_vietnamese_letter_as_fold_does() -> None:
    """unicode61 with remove_diacritics 2, after đ -> d, agrees with vocab.fold."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, tokenize='{fulltext.TOKENIZER}')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    letters = LETTERS + LETTERS.upper()
    for letter in letters:
        conn.execute("INSERT INTO t VALUES (?)", (fulltext.indexed(f"x{letter}x"),))
    tokens = [row[0] for row in conn.execute("SELECT term FROM v ORDER BY doc")]
    assert tokens == [fold(f"x{letter}x") for letter in letters]
    assert all(len(fulltext.indexed(c)) == len(c) for c in letters)  # positions stay


def test_marks_join_neighbouring_words() -> None:
    o, c = fulltext.OPEN, fulltext.CLOSE
    text, spans = fulltext.marks(f"Ti le {o}lao{c} {o}dong{c}, {o}qua{c}")
    assert text == "Ti le lao dong, qua"
    assert spans == ((6, 14), (16, 19))
    passage = Passage("quote", "x", "Tỉ lệ lao động, qua", spans)
    assert passage.segments() == [
        ("Tỉ lệ ", False),
        ("lao động", True),
        (", ", False),
        ("qua", True),
    ]


def test_the_index_says_which_build_it_is_of(built: BuildResult) -> None:
    path = built.dist / fulltext.FILE
    assert fulltext.built_for(path) == built.info.build
    assert fulltext.built_for(built.dist / "missing.sqlite") is None
    assert fulltext.built_for(built.dist / "fdigraph.ttl") is None  # not a database


def test_search_label_still_works_in_sparql(graph_store: ox.Store) -> None:
    query = (
        "PREFIX fdi: <https://fdigraph.example/def/fdi#> "
        'SELECT ?s WHERE { ?s fdi:searchLabel ?l FILTER(CONTAINS(?l, "bac giang")) }'
    )
    found = {row[0].value for row in graph_store.query(query, use_default_graph_as_union=True)}
    assert ID + "area/VN-54" in found


def test_an_index_file_is_opened_read_only(index: fulltext.Index, tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError):
        index.conn.execute("DELETE FROM doc")
