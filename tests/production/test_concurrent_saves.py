"""Twenty evaluators' browsers save at once through gunicorn workers, and nothing is lost.

Fourteen threads each save half of their 20 cells twice (20 saves), the second
time with the version the first save made. Three evaluators have two browser
tabs each (six threads) that opened their forms at version 0 and then save all
20 cells, so every one of those cells is saved twice from the same version:
exactly one save must win (302) and the other must be refused (409) with
nothing overwritten. Each thread signs in and reads the CSRF token from a form,
as a browser does. Afterwards every accepted save is in the database, with a version
number equal to the number of accepted saves of that cell, and in the audit log.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

from scoring.extensions import db
from scoring.models import AuditEvent, Role, Score
from scoring.services import evaluation

from ..helpers import PASSWORD, gen_procurement, gen_user
from .liveserver import Gunicorn, WebClient

BIDDERS = [f"Bidder {c}" for c in "ABCDE"]
# 5 x 4 = 20 cells per evaluator: 400 saves in all, 120 of them racing another tab for the same cell.
SECTIONS = [(f"Q{n}", 25, "both") for n in range(1, 5)]
CELLS = len(BIDDERS) * len(SECTIONS)
HALF = CELLS // 2
SOLO = 14
TABBED = 3  # evaluators with two tabs each: 14 + 2 x 3 = 20 threads


def seed():
    lead = gen_user(Role.LEAD, "Lee Lead")
    evaluators = [gen_user(Role.PANEL if n % 2 else Role.PATIENT, f"Evaluator {n:02d}") for n in range(SOLO + TABBED)]
    procurement = gen_procurement(
        lead=lead, reference="GP-LOAD-01", sections=SECTIONS, bidders=BIDDERS, evaluators=evaluators
    )
    for user in evaluators:
        evaluation.declare_conflicts(user, procurement, {b.id: (False, "") for b in procurement.bidders})
    cells = [(b.id, s.id) for b in procurement.bidders for s in procurement.sections]
    return procurement.id, [(u.id, u.email) for u in evaluators], cells


def test_twenty_threads_save_through_gunicorn_and_nothing_is_lost(app):
    procurement_id, evaluators, cells = seed()
    db.session.remove()
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    results: list[tuple[int, int, int, int, int]] = []  # (thread, evaluator, bidder, section, status)
    failures: list[str] = []
    lock = threading.Lock()
    tabs_have_read = threading.Barrier(TABBED * 2)

    def path(bidder_id, section_id):
        return f"/evaluate/{procurement_id}/bidders/{bidder_id}/sections/{section_id}"

    def form(thread, score_value, version, token):
        return {
            "score": str(score_value),
            "rationale": f"Saved by thread {thread}",
            "version": str(version),
            "csrf_token": token,
            "save_draft": "y",
        }

    def record(thread, evaluator_id, cell, reply):
        with lock:
            results.append((thread, evaluator_id, cell[0], cell[1], reply.status))
            if reply.status not in (302, 409):
                failures.append(f"thread {thread} {path(*cell)} got {reply.status}: {reply.text[:300]}")

    def solo(thread, evaluator_id, email, port):
        # Half the cells saved twice: the second save carries the version the first one made.
        browser = WebClient(port)
        browser.sign_in(email, PASSWORD)
        page = browser.get(path(*cells[0]))
        assert page.status == 200 and page.version() == 0, f"{path(*cells[0])} gave {page.status}"
        token = page.csrf_token()
        mine = cells[(thread % 2) * HALF :][:HALF]
        for round_ in range(2):
            for n, cell in enumerate(mine):
                record(
                    thread, evaluator_id, cell, browser.post(path(*cell), form(thread, (n + round_) % 5, round_, token))
                )
        browser.close()

    def tab(thread, evaluator_id, email, port):
        # Both tabs opened every form at version 0 before either saves.
        browser = WebClient(port)
        browser.sign_in(email, PASSWORD)
        page = browser.get(path(*cells[0]))
        assert page.status == 200 and page.version() == 0, f"{path(*cells[0])} gave {page.status}"
        token = page.csrf_token()
        tabs_have_read.wait(timeout=60)
        for n, cell in enumerate(cells):
            record(thread, evaluator_id, cell, browser.post(path(*cell), form(thread, n % 5, 0, token)))
        browser.close()

    def run(target, *args):
        try:
            target(*args)
        except BaseException as error:  # noqa: BLE001 - reported below with the thread's name
            with lock:
                failures.append(f"{target.__name__}{args[:2]}: {error!r}")

    with Gunicorn(url, workers=3) as server:
        threads = []
        for n, (evaluator_id, email) in enumerate(evaluators):
            if n < SOLO:
                threads.append(threading.Thread(target=run, args=(solo, n, evaluator_id, email, server.port)))
            else:
                for copy in range(2):
                    threads.append(
                        threading.Thread(target=run, args=(tab, n * 10 + copy, evaluator_id, email, server.port))
                    )
        assert len(threads) == 20
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        server_log = server.output()
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert not failures, "\n".join(failures[:10]) + "\n--- gunicorn log ---\n" + server_log[-3000:]
    assert len(results) == 20 * CELLS
    assert " 500 " not in server_log and "Traceback" not in server_log, server_log[-3000:]

    accepted = Counter((e, b, s) for _, e, b, s, status in results if status == 302)
    refused = Counter((e, b, s) for _, e, b, s, status in results if status == 409)
    tabbed_ids = {e for e, _ in evaluators[SOLO:]}
    for n, (evaluator_id, _) in enumerate(evaluators):
        if evaluator_id in tabbed_ids:
            for bidder_id, section_id in cells:  # one tab won, the other was told
                assert (
                    accepted[(evaluator_id, bidder_id, section_id)],
                    refused[(evaluator_id, bidder_id, section_id)],
                ) == (1, 1)
        else:
            for bidder_id, section_id in cells[(n % 2) * HALF :][:HALF]:
                assert (
                    accepted[(evaluator_id, bidder_id, section_id)],
                    refused[(evaluator_id, bidder_id, section_id)],
                ) == (2, 0)

    # Every accepted save is in the database: the version counts them, the text is the winner's.
    winners = defaultdict(set)
    for thread, e, b, s, status in results:
        if status == 302:
            winners[(e, b, s)].add(f"Saved by thread {thread}")
    db.session.expire_all()
    scores = {(s.evaluator_id, s.bidder_id, s.section_id): s for s in db.session.scalars(db.select(Score))}
    assert set(scores) == set(accepted)
    for key, score in scores.items():
        assert score.version == accepted[key], key
        assert score.rationale in winners[key], key
    # ... and in the audit log, once per accepted save.
    audited = Counter(db.session.scalars(db.select(AuditEvent.entity_id).where(AuditEvent.action == "score.saved")))
    assert sum(audited.values()) == sum(accepted.values())
    for key, score in scores.items():
        assert audited[score.id] == accepted[key], key
