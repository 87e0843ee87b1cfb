"""The crawl's checks can fail: each is tried on a page with the defect it exists to find
(today's known failures among them), and on the same page without it.

Pages are written here, in the shape of the app's own (NHS.UK CSS, header, main, footer), and
served from the app's origin, so each is checked under the real stylesheet."""

from __future__ import annotations

import pytest

from .checks import NARROW, WIDE, check_page, overflow_at

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/build/nhsuk.css"><link rel="stylesheet" href="/static/css/app.css">
</head><body>
<a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container">
<a class="nhsuk-header__service" href="/">Patient involvement in procurement</a></div></header>
<div class="nhsuk-width-container">{before}
<main class="nhsuk-main-wrapper" id="maincontent"><h1>A page</h1>{main}</main></div>
<footer class="nhsuk-footer"><div class="nhsuk-width-container"><p>NHS England</p></div></footer>
</body></html>"""

WIDE_TABLE = (
    '<table class="nhsuk-table"><caption id="c" class="nhsuk-table__caption">Audit events</caption>'
    "<thead><tr>" + "".join(f'<th scope="col">Column heading {i}</th>' for i in range(8)) + "</tr></thead>"
    "<tbody><tr>" + "".join(f"<td>Value_that_does_not_wrap_{i}</td>" for i in range(8)) + "</tr></tbody></table>"
)


def page_with(
    page, live_server, *, title="A page – Patient involvement in procurement", before="", main="<p>Fine.</p>"
):
    html = PAGE.format(title=title, before=before, main=main)
    page.route(
        f"{live_server.url}/test-page", lambda route: route.fulfill(status=200, content_type="text/html", body=html)
    )
    page.goto("/test-page")
    return page


def problems_on(page, live_server, **parts) -> list[str]:
    page_with(page, live_server, **parts)
    page.set_viewport_size(WIDE)
    return check_page(page, typed=('<script>alert("x")</script>',)) + overflow_at(page, NARROW)


def test_a_good_page_passes(page, live_server):
    assert problems_on(page, live_server) == []


@pytest.mark.parametrize(
    "main, found",
    [
        # Today's score page: a fragment built with "<p>" ~ (guidance|e) ~ "</p>", escaped twice.
        ("<p>&lt;p class='app-pre-wrap'&gt;A good answer explains opening hours&lt;/p&gt;</p>", "shows markup as text"),
        ("<p>&amp;lt;strong&amp;gt;The weights add up to 110%</p>", "shows markup as text"),
        ("<p>Fine &amp;lt; fine</p>", "shows markup as text"),
    ],
)
def test_markup_shown_as_text_is_found(page, live_server, main, found):
    problems = problems_on(page, live_server, main=main)
    assert any(found in p for p in problems), problems


def test_markup_people_typed_is_right_to_show_as_text(page, live_server):
    # Escaped once, a name with markup reads as the person typed it; and "<" alone is no tag.
    main = '<p>Pat Patel &lt;script&gt;alert("x")&lt;/script&gt;</p><p>Scores 1 &lt; 2 apart</p>'
    assert problems_on(page, live_server, main=main) == []


def test_an_error_summary_needs_an_error_title(page, live_server):
    summary = (
        '<div class="nhsuk-error-summary" role="alert" aria-labelledby="t" tabindex="-1">'
        '<h2 class="nhsuk-error-summary__title" id="t">There is a problem</h2>'
        '<ul class="nhsuk-error-summary__list"><li><a href="#x">Enter a reason</a></li></ul></div>'
    )
    problems = problems_on(page, live_server, main=summary)
    assert any('does not start with "Error: "' in p for p in problems), problems
    assert problems_on(page, live_server, main=summary, title="Error: A page – Patient involvement") == []


def test_a_back_link_outside_every_landmark_is_found(page, live_server):
    back = '<a class="nhsuk-back-link" href="/">Back to users</a>'
    problems = problems_on(page, live_server, before=back)
    assert any(p.startswith("axe region") for p in problems), problems
    assert problems_on(page, live_server, before=f'<nav aria-label="Back">{back}</nav>') == []


def test_an_h3_straight_after_the_h1_is_found(page, live_server):
    # Today's "changed by someone else" pages: the warning callout's h3 right after the h1.
    callout = '<div class="nhsuk-card nhsuk-card--warning"><div class="nhsuk-card__content"><h{n} class="nhsuk-card__heading">This score was changed after you opened the page</h{n}></div></div>'
    problems = problems_on(page, live_server, main=callout.format(n=3))
    assert any(p.startswith("axe heading-order") for p in problems), problems
    assert problems_on(page, live_server, main=callout.format(n=2)) == []


def test_a_file_input_whose_button_hides_its_label_is_found(page, live_server):
    # Today's import page: the design system's drop zone names its button differently from its text.
    drop_zone = (
        '<label class="nhsuk-label" for="workbook">Upload the filled-in workbook</label>'
        '<button type="button" id="workbook" aria-label="Upload the filled-in workbook">'
        "Choose file</button>"
    )
    problems = problems_on(page, live_server, main=drop_zone)
    assert any(p.startswith("axe label-content-name-mismatch") for p in problems), problems
    plain = (
        '<div class="nhsuk-form-group"><label class="nhsuk-label" for="workbook">Upload the filled-in workbook</label>'
        '<input class="app-file-input" id="workbook" name="workbook" type="file"></div>'
    )
    assert problems_on(page, live_server, main=plain) == []


def test_a_wide_table_scrolls_inside_its_own_region_not_the_page(page, live_server):
    # Today's audit log, sections, users, progress and paper pages: the table widens the page.
    problems = problems_on(page, live_server, main=WIDE_TABLE)
    assert any(p.startswith("scrolls sideways at 320 px") and "Audit events" in p for p in problems), problems
    region = (
        f'<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="c" '
        f'tabindex="0">{WIDE_TABLE}</div></div>'
    )
    assert problems_on(page, live_server, main=region) == []


def test_anything_else_that_sticks_out_at_320_px_is_found(page, live_server):
    # A box that scrolls but holds no table is not a table's scroll region.
    main = '<div style="overflow-x: auto"><p style="width: 600px">A long line</p></div>'
    problems = problems_on(page, live_server, main=main)
    assert any(p.startswith("scrolls sideways at 320 px") for p in problems), problems
