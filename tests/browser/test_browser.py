"""The web face in a real browser: editor, province page with quotes, search."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_editor_runs_a_saved_query(page: Any, server: str) -> None:
    page.goto(server + "/sparql")
    page.locator("#yasgui .CodeMirror").wait_for()
    page.click('button.example[data-name="provinces"]')
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 5
    assert "VN-54" in page.locator(".yasr table.dataTable").inner_text()
    page.click(".yasr .select_chart")
    page.locator(".yasr svg.chart rect").first.wait_for()
    page.click(".yasr .select_response")
    page.locator(".yasr .CodeMirror").first.wait_for()


def test_editor_opens_a_resource_query(page: Any, server: str) -> None:
    page.goto(server + "/id/area/VN-54")
    page.click("#open-editor")
    page.locator("#yasgui .CodeMirror").wait_for()
    assert "VN-54" in page.evaluate("window.fdigraphEditor.getTab().getQuery()")


def test_province_page_shows_facts_with_quotes_in_both_languages(page: Any, server: str) -> None:
    page.goto(server + "/id/area/VN-54?lang=vi")
    assert page.locator("h1").inner_text() == "Bắc Giang"
    assert page.locator(".fact").count() >= 40
    marks = page.locator("blockquote.quote mark")
    assert marks.count() >= 40
    fdi = page.locator(".fact", has_text="1,6 tỷ USD").first
    assert "1,6 tỷ USD" in fdi.locator("mark").first.inner_text()
    assert page.locator("svg.chart").count() >= 1

    page.click('a[data-lang="en"]')
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("h1").inner_text() == "Bac Giang"
    assert page.locator(".fact", has_text="1.6 billion USD").count() >= 1
    assert "Facts and their quotes" in page.content()

    page.goto(server + "/id/area/VN-54")  # the choice is remembered
    assert page.locator("h1").inner_text() == "Bac Giang"


def test_walk_from_home_to_a_quote_and_back(page: Any, server: str) -> None:
    page.goto(server + "/?lang=vi")
    page.click('ul.places a[href="/id/area/VN-54"]')
    page.click(".fact >> nth=0 >> a.fact-label")
    assert page.locator(".fact .value").first.inner_text()
    page.click("blockquote.quote a.small >> nth=0")
    assert page.url.startswith(server + "/id/quote/")
    assert page.locator("blockquote.quote mark").count() >= 1
    page.go_back()
    page.go_back()
    assert page.locator("h1").inner_text() == "Bắc Giang"


def test_search_without_diacritics_finds_the_province(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.fill("form.bigsearch input[name=q]", "bac giang")
    page.press("form.bigsearch input[name=q]", "Enter")
    first = page.locator("ol.hits li a").first
    assert first.inner_text() == "Bắc Giang"
    first.click()
    page.wait_for_url(server + "/id/area/VN-54")
    assert page.locator("h1").inner_text() == "Bắc Giang"


def test_resource_pages_show_labels_not_terms_or_keys(page: Any, server: str) -> None:
    page.goto(server + "/?lang=en")
    place = page.locator("ul.places li", has=page.locator('a[href="/id/area/VN-54"]'))
    counted = int(re.search(r"(\d+) facts", place.inner_text()).group(1))
    place.locator("a").click()
    page.wait_for_url(server + "/id/area/VN-54")
    assert page.locator(".fact").count() == counted  # the home page counts what is shown
    headings = page.locator(".props th").all_inner_texts()
    assert "replaced by" in headings
    assert [h for h in headings if re.search(r"\b[a-z-]+:[A-Za-z]", h)] == []
    titles = page.locator(".fact-label").all_inner_texts()
    assert [t for t in titles if t[:1].islower()] == []
    referred = page.locator(".incoming td a").all_inner_texts()
    assert "bg-instrument-clean-land-bank" not in referred
    assert any(t.startswith("Clearing land for a bank") for t in referred)
    page.goto(server + "/id/quote/bac-giang-fdi-2024/bg-fdi-2024-8m-1?lang=vi")
    badges = page.locator("p.kinds a.badge").all_inner_texts()
    assert "Chú thích" in badges and "Annotation" not in badges
    assert page.locator("a", has_text=re.compile(r"^bg-fdi-2024-8m-1$")).count() == 0


def test_search_finds_a_quote_without_accents_and_marks_its_words(page: Any, server: str) -> None:
    page.goto(server + "/?lang=vi")
    page.fill("form.bigsearch input[name=q]", "lao dong qua dao tao")
    page.press("form.bigsearch input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=lao"))
    hit = page.locator("ol.hits li", has=page.locator("blockquote.passage mark")).first
    assert hit.locator("blockquote.passage mark").first.inner_text() == "lao động qua đào tạo"
    assert "Tỉ lệ lao động qua đào tạo" in hit.locator("blockquote.passage").first.inner_text()
    hit.locator("a").first.click()
    page.wait_for_url(re.compile(r"/id/obs/"))
    assert page.locator("blockquote.quote mark").count() >= 1


def test_search_for_a_figure_and_a_code(page: Any, server: str) -> None:
    page.goto(server + "/search?q=" + "1%2C6+ty+USD")
    first = page.locator("ol.hits li").first
    assert first.locator("blockquote.passage mark").first.inner_text() == "1,6 tỷ USD"
    page.fill("form.bigsearch input[name=q]", "VN-54")
    page.press("form.bigsearch input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"q=VN-54"))
    top = page.locator("ol.hits li").first
    assert top.get_attribute("data-matched") == "code"
    assert top.locator("a").first.inner_text() == "Bắc Giang"


def test_footer_void_link_shows_a_page_listing_the_dumps(page: Any, server: str) -> None:
    page.goto(server + "/?lang=en")
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    page.click('footer a:text-is("VoID")')
    page.wait_for_url(server + "/.well-known/void")
    assert downloads == []  # shown, not downloaded
    assert page.locator("h1").inner_text().startswith("About the dataset")
    dumps = page.locator("#downloads a.dump")
    names = dumps.all_inner_texts()
    assert len(names) == 8 and names[0] == "fdigraph.ttl.gz"
    assert {n.removesuffix(".gz") for n in names} == {
        f"fdigraph.{s}" for s in ("ttl", "nt", "nq", "jsonld")
    }
    assert re.search(r"\d+ KB", page.locator("#downloads").inner_text())
    assert "SPARQL 1.1 Query" in page.locator("#service").inner_text()
    with page.expect_download() as fetched:  # a dump link downloads the file itself
        dumps.first.click()
    assert fetched.value.suggested_filename == "fdigraph.ttl.gz"
    assert Path(fetched.value.path()).read_bytes()[:2] == b"\x1f\x8b"  # gzip, as built

    page.click('a[data-lang="vi"]')
    page.wait_for_url(re.compile(r"lang=vi"))
    assert page.locator("#downloads h2").inner_text() == "Tải dữ liệu"


def test_a_figure_is_read_in_words_in_both_languages(page: Any, server: str) -> None:
    page.goto(server + "/id/obs/bac-giang-fdi-2024/bg-fdi-2024-8m?lang=en")
    reading = page.locator(".fact p.reading").first
    assert reading.locator('[data-role="flow"]').inner_text() == "flow, January–August 2024"
    assert "capital component: total registered capital" in reading.inner_text()
    page.goto(server + "/id/area/VN-57?lang=vi")
    positions = page.locator('.fact p.reading [data-role="position"]').all_inner_texts()
    assert positions and set(positions) == {"vị thế, không nêu ngày"}
