"""Saved-query pages and the editor in a real browser: layout, choices, errors, links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 800}


def fits(page: Any) -> bool:
    """Nothing on the page is wider than the window (no sideways scrolling)."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"]


def test_a_saved_query_page_has_the_site_layout_and_choices(page: Any, server: str) -> None:
    page.goto(server + "/queries?lang=vi")
    assert page.locator("header.top .brand").inner_text() == "fdigraph"
    page.click('ul.query-list a[href="/queries/area-figures"]')
    assert page.locator("h1").inner_text() == "Các con số của một tỉnh"
    area = page.locator("select#param-area")
    assert "Bắc Giang (VN-54)" in area.locator("option").all_inner_texts()
    area.select_option("VN")
    page.fill("#param-year", "2023")
    page.click("form.params button[type=submit]")
    page.wait_for_url(re.compile(r"area=VN\b"))
    assert page.locator("select#param-area").input_value() == "VN"
    assert page.locator("table.results tbody tr").count() >= 1
    assert page.locator("table.results a", has_text="Việt Nam").count() >= 1

    page.click('a[data-lang="en"]')  # the page and the query's labels switch together
    assert page.locator("h1").inner_text() == "The figures of a province"
    assert page.locator("select#param-lang").input_value() == "en"
    assert page.locator("select#param-area").input_value() == "VN"
    assert "Vietnam (VN)" in page.locator("select#param-area option:checked").inner_text()

    page.set_viewport_size(PHONE)
    page.reload()
    assert fits(page), "the page is wider than a phone"
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]


def test_links_in_a_result_table_go_to_this_server(page: Any, server: str) -> None:
    page.goto(server + "/queries/provinces?lang=vi")
    link = page.locator("table.results a", has_text="Bắc Giang").first
    assert link.get_attribute("href") == "/id/area/VN-54"
    link.click()
    page.wait_for_url(server + "/id/area/VN-54")
    assert page.locator("h1").inner_text() == "Bắc Giang"


def test_sorting_and_downloads(page: Any, server: str) -> None:
    page.goto(server + "/queries/rankings?lang=en")
    headers = page.locator("table.results thead th").all_inner_texts()
    rank = headers.index("rank")

    def ranks() -> list[int]:
        column = page.locator(f"table.results tbody tr td:nth-child({rank + 1})")
        return [int(t) for t in column.all_inner_texts()]

    page.click("table.results thead a.sort >> text=rank")
    assert ranks() == sorted(ranks()) and ranks()[0] < ranks()[-1]
    page.click("table.results thead a.sort >> text=rank")
    assert ranks() == sorted(ranks(), reverse=True)
    assert page.locator('th[aria-sort="descending"]').inner_text().startswith("rank")
    names = page.locator(".downloads a").all_inner_texts()
    assert names == ["SPARQL JSON", "SPARQL XML", "CSV", "TSV", "Turtle", "JSON-LD", "N-Triples"]
    csv = page.request.get(server + page.locator('a[data-format="CSV"]').get_attribute("href"))
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert csv.text().splitlines()[0].split(",")[0] == "indicatorLabel"


def test_a_bad_value_keeps_the_form_with_the_message_beside_it(
    page: Any, server: str, expected_statuses: set[int]
) -> None:
    expected_statuses.add(400)
    page.goto(server + "/queries/area-figures?lang=en")
    page.fill("#param-year", "20x")
    with page.expect_response(re.compile(r"/queries/area-figures\?")) as answer:
        page.click("form.params button[type=submit]")
    assert answer.value.status == 400
    assert page.locator("#param-year").input_value() == "20x"
    message = page.locator(".field[data-param=year] p.error")
    assert "20x" in message.inner_text()
    assert page.locator("#param-year").get_attribute("aria-describedby") == "error-year"
    assert page.locator("table.results").count() == 0
    page.fill("#param-year", "2024")
    page.click("form.params button[type=submit]")
    assert page.locator("p.error").count() == 0
    assert page.locator("table.results tbody tr").count() >= 1


def test_an_unknown_page_is_an_html_404(
    page: Any, server: str, expected_statuses: set[int]
) -> None:
    expected_statuses.add(404)
    answer = page.goto(server + "/queries/no-such-query")
    assert answer.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy"
    page.click("main a >> text=Truy vấn mẫu")
    page.wait_for_url(server + "/queries")


def test_ask_is_yes_or_no_and_no_rows_says_what_would_give_rows(page: Any, server: str) -> None:
    page.goto(server + "/queries/prioritises-sector?lang=en")
    assert page.locator("p.ask").inner_text() == "Yes"
    page.goto(server + "/queries/area-figures?area=VN-01&year=2023&lang=en")
    assert page.locator("#no-rows").is_visible()
    page.click("#no-rows ul.suggestions a >> text=Bac Giang (VN-54)")
    assert page.locator("select#param-area").input_value() == "VN-54"
    assert page.locator("table.results tbody tr").count() >= 1


def test_open_in_the_editor_carries_the_bound_query(page: Any, server: str) -> None:
    page.goto(server + "/queries/area-figures?area=VN&lang=en")
    href = unquote(page.locator("#open-editor").get_attribute("href"))
    assert "<https://fdigraph.example/id/area/VN>" in href
    page.click("#open-editor")
    page.locator("#yasgui .CodeMirror").wait_for()
    text = page.evaluate("window.fdigraphEditor.getTab().getQuery()")
    assert "VALUES" in text and "<https://fdigraph.example/id/area/VN>" in text


def run_in_editor(page: Any, query: str) -> None:
    page.evaluate(
        "q => { const t = window.fdigraphEditor.getTab(); t.setQuery(q); t.query(); }", query
    )


def test_editor_results_link_to_this_server(page: Any, server: str) -> None:
    page.goto(server + "/sparql")
    page.locator("#yasgui .CodeMirror").wait_for()
    page.click('button.example[data-name="provinces"]')
    link = page.locator(".yasr table.dataTable a.iri", has_text="VN-54").first
    link.wait_for()
    assert link.get_attribute("href") == "/id/area/VN-54"
    outside = page.locator('.yasr a.iri[href^="https://fdigraph.example/"]')
    assert outside.count() == 0
    link.click()
    page.wait_for_url(server + "/id/area/VN-54")


def test_editor_layout_holds_a_long_error_and_a_wide_table(
    page: Any, server: str, expected_statuses: set[int]
) -> None:
    expected_statuses.add(400)
    page.goto(server + "/sparql?lang=en")
    page.locator("#yasgui .CodeMirror").wait_for()
    far = "http://example.org/" + "x" * 600  # named in the message, one unbroken word
    run_in_editor(page, f"SELECT * WHERE {{\n  SERVICE <{far}> {{ ?s ?p ?o }} }}")
    error = page.locator(".query-error")
    error.wait_for()
    assert re.match(
        r"Error 400 · line 2, column \d+", error.locator(".query-error-head").inner_text()
    )
    message = error.locator(".query-error-message")
    assert far in message.inner_text()
    assert message.evaluate("e => e.scrollWidth <= e.clientWidth"), "the message does not wrap"
    assert fits(page), "a long error widens the page"
    run = page.locator(".yasqe_queryButton")
    assert run.evaluate("e => e.getBoundingClientRect().right") <= page.viewport_size["width"]
    error.locator("button.goto").click()
    cursor = page.evaluate("window.fdigraphEditor.getTab().getYasqe().getCursor().line")
    assert cursor == 1

    columns = " ".join(f"?o{i}" for i in range(12))
    patterns = " ".join(f"?s ?p{i} ?o{i} ." for i in range(12))
    run_in_editor(page, f"SELECT ?s {columns} WHERE {{ {patterns} }} LIMIT 5")
    page.locator(".yasr table.dataTable tbody tr").first.wait_for()
    box = page.locator(".yasr_results")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the wide table is not scrolled"
    assert fits(page), "a wide table widens the page"

    page.set_viewport_size(PHONE)
    assert fits(page), "the editor is wider than a phone"
    sidebar = page.locator("aside.examples")
    assert sidebar.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
    assert box.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
