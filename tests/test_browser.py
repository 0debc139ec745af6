"""The review screen in a real browser: Debian's headless Chromium driven by Playwright.

The app runs as ``streamlit run app.py`` in a subprocess on a free loopback port, with a temporary
database, files folder and embedding cache, and a tiny hashing model (``KETENLENS_MODEL``, trained in
seconds like tests/test_app.py's), so nothing depends on the user's data or the shipped model.

- ``test_end_to_end``: a contract manager logs in, creates a case, uploads the sample risk analysis,
  opens a gap on the overview and in the checklist; an expert logs in, accepts the gap's verdict on the
  review page and downloads the HTML report, which must carry the headline and the review. A
  screenshot of every step is saved under the test's tmp_path (``NN-step.png``).
- ``test_five_users_open_the_same_overview_at_once``: five users, each in a browser context of their
  own, log in and open the overview of one analysed document at the same moment, with the server on
  at most two cores: every one sees the overview, none sees an error.

Skipped, with the reason, without /usr/bin/chromium (``apt-get install -y chromium``) or the
``playwright`` package (``pip install playwright``; never ``playwright install``: the tests use the
system Chromium); with ``KETENLENS_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets) a missing browser fails the
run instead. They are part of ``make test``. Run only these: ``.venv/bin/python -m pytest -m browser tests/test_browser.py``.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import date
from pathlib import Path

import pytest

import browser_support as bs

REASON = bs.skip_reason()
if REASON is not None and bs.browser_required():
    # CI sets KETENLENS_REQUIRE_BROWSER=1: there a missing Chromium is a failure, not a quiet skip.
    raise pytest.UsageError(f"KETENLENS_REQUIRE_BROWSER is set but the browser tests cannot run: {REASON}")
pytestmark = [pytest.mark.browser, pytest.mark.skipif(REASON is not None, reason=REASON or "")]

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "nl_workwear_risicoanalyse.pdf"
STEP = 20_000  # ms: one ordinary rerun (login, a page switch, a click)
ANALYSIS = 120_000  # ms: upload, read and analyse the sample PDF
VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return bs.train_tiny_model(tmp_path_factory.mktemp("browser-model") / "model")


@pytest.fixture
def shots(tmp_path):
    """shoot(page, name): a screenshot numbered in order, under tmp_path/screenshots."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    taken: list[Path] = []

    def shoot(page, name: str) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    shoot.taken = taken
    return shoot


# -- sync helpers for the end-to-end test --------------------------------------------------------

def assert_clean(page) -> None:
    assert bs.problems(page) == []


def nav(page, title: str, heading: str) -> None:
    """Click a sidebar page link; wait for its run to finish and the page's ``heading`` to show."""
    from playwright.sync_api import expect

    before = bs.runs(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).click()
    bs.settled(page, before, STEP)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=STEP)
    assert_clean(page)


def open_app(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url, timeout=STEP)
    expect(page.get_by_role("heading", name="ketenlens — inloggen")).to_be_visible(timeout=STEP)
    bs.settled(page, 0, STEP)


def login(page, username: str) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(bs.PASSWORD)
    before = bs.runs(page)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", name="Dossiers", exact=True)).to_be_visible(timeout=STEP)
    bs.settled(page, before, STEP)
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(rf"^Ingelogd als {username} "))).to_be_visible()
    assert_clean(page)


def logout(page) -> None:
    from playwright.sync_api import expect

    before = bs.runs(page)
    page.get_by_test_id("stSidebar").get_by_role("button", name=re.compile("Uitloggen")).click()
    expect(page.get_by_role("heading", name="ketenlens — inloggen")).to_be_visible(timeout=STEP)
    bs.settled(page, before, STEP)


def choose(page, label: str, search: str, option: re.Pattern) -> None:
    """Type ``search`` into the selectbox labelled ``label`` (its list is virtual: only visible options
    exist), pick the option matching ``option`` and wait for the rerun."""
    from playwright.sync_api import expect

    before = bs.runs(page)
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(search)
    page.get_by_role("option").filter(has_text=option).first.click()
    expect(box).to_have_value(option, timeout=STEP)
    bs.settled(page, before, STEP)


def test_end_to_end(tmp_path, tiny_model, shots):
    from playwright.sync_api import expect, sync_playwright

    from analyzer.report.view import build_report

    expect.set_options(timeout=10_000)

    data = tmp_path / "data"
    data.mkdir()
    env = bs.app_env(data, tiny_model)
    users = bs.add_users(env, {"manager": "contract_manager", "expert": "expert"})
    server = bs.AppServer(env, tmp_path / "streamlit.log")
    store = page = None
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        server.start()
        timings["server start"] = time.perf_counter() - started
        store = bs.store_for(env)
        with sync_playwright() as p:
            browser = bs.launch(p)
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="nl-NL")
            page = context.new_page()
            bs.track(page)
            page.set_default_timeout(STEP)

            # 1. log in as the contract manager
            open_app(page, server.url)
            shots(page, "login")
            login(page, "manager")
            shots(page, "cases-empty")

            # 2. create a case (the new-case form is open while the manager has no case)
            form = page.get_by_test_id("stForm")
            form.get_by_label("Leverancier").fill("Van Dijk Bedrijfskleding B.V.")
            form.get_by_label("Contractreferentie").fill("ISV-E2E-001")
            expect(form.get_by_role("combobox", name="ISV-categorie")).to_have_value("Bedrijfskleding")
            before = bs.runs(page)
            form.get_by_role("button", name="Dossier aanmaken").click()
            created = page.get_by_text("Dossier voor Van Dijk Bedrijfskleding B.V. aangemaakt.")
            expect(created).to_be_visible(timeout=STEP)
            bs.settled(page, before, STEP)
            assert_clean(page)
            expect(page.get_by_text("Van Dijk Bedrijfskleding B.V. (ISV-E2E-001): verwachte stukken")).to_be_visible()
            shots(page, "case-created")

            # 3. upload the sample risk analysis; it is read, stored and analysed
            nav(page, "Uploaden", "Documenten uploaden")
            before = bs.runs(page)
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(SAMPLE))
            go = page.get_by_role("button", name="Uploaden en analyseren")
            expect(go).to_be_enabled(timeout=STEP)
            bs.settled(page, before, STEP)
            expect(page.get_by_role("combobox", name="Soort stuk")).to_have_value("Risicoanalyse")
            shots(page, "upload-chosen")
            started = time.perf_counter()
            before = bs.runs(page)
            go.click()
            expect(page.get_by_text(f"{SAMPLE.name} is opgeslagen en geanalyseerd; zie Overzicht.")).to_be_visible(
                timeout=ANALYSIS)
            bs.settled(page, before, STEP)
            timings["upload + analysis"] = time.perf_counter() - started
            assert_clean(page)
            shots(page, "uploaded")

            manager, expert = users["manager"], users["expert"]
            [case] = store.cases_for(manager)
            [doc] = store.documents_for(case, manager)
            analysis = store.latest_analysis(doc, manager).result
            assert doc.file_name == SAMPLE.name and doc.deliverable == "risk_analysis"
            report = build_report(analysis, "nl")
            assert report.gaps, "the sample risk analysis has deliberate gaps"
            gap = next((g for g in report.gaps if g.quotes), report.gaps[0])

            # 4. the overview: headline, both charts, the gap
            started = time.perf_counter()
            nav(page, "Overzicht", report.headline)
            timings["overview"] = time.perf_counter() - started
            expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
            expect(page.get_by_text(f"Hiaten ({len(report.gaps)})", exact=True)).to_be_visible()
            expect(page.get_by_text(f"{gap.id} · ", exact=False).first).to_be_visible()
            shots(page, "overview")

            # 5. open the gap in the checklist (and, when it cites text, on its page in the document)
            nav(page, "Checklist en vragen", "Checklist en vragen aan de leverancier")
            item = page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=f"{gap.id} · "))
            expect(item).to_have_count(1)
            details = item.locator("details")
            if details.get_attribute("open") is None:
                item.locator("summary").click()
            expect(item.get_by_label("Vraag (Nederlands)")).to_be_visible()
            assert item.get_by_label("Vraag (Nederlands)").input_value().strip()
            item.scroll_into_view_if_needed()
            shots(page, "checklist-gap")
            if gap.quotes:
                before = bs.runs(page)
                item.get_by_role("button", name=re.compile("Toon in het document")).click()
                expect(page.get_by_role("heading", name=f"Document: {SAMPLE.name}")).to_be_visible(timeout=STEP)
                bs.settled(page, before, STEP)
                assert_clean(page)
                expect(page.get_by_test_id("stImage")).to_be_visible()
                first_page = next((q.page for q in gap.quotes if q.page), 1)
                expect(page.get_by_text(f"Passages op pagina {first_page}", exact=True)).to_be_visible()
                shots(page, "document-gap")

            # 6. the expert accepts the gap's verdict on the review page
            logout(page)
            login(page, "expert")
            nav(page, "Beoordelen", "Beoordelen")
            before = bs.runs(page)
            page.get_by_test_id("stRadio").filter(has_text="Wat beoordelen").get_by_text("Checklistoordelen").click()
            bs.settled(page, before, STEP)  # then only the checklist's "Te beoordelen" is left (G01 · ...)
            expect(page.get_by_role("combobox", name="Te beoordelen")).to_have_value(re.compile(r"^G\d\d · "))
            choose(page, "Te beoordelen", f"{gap.id} ·", re.compile(rf"^{gap.id} · "))
            expect(page.get_by_test_id("stRadio").filter(has_text="Besluit").locator("input").first).to_be_checked()
            page.get_by_label("Reden").fill("klopt: e2e-test")
            shots(page, "review-filled")
            before = bs.runs(page)
            page.get_by_role("button", name="Beoordeling opslaan").click()
            expect(page.get_by_text(f"Beoordeling van {gap.id} opgeslagen.")).to_be_visible(timeout=STEP)
            expect(page.get_by_text("Eerdere beoordelingen (1)", exact=True)).to_be_visible(timeout=STEP)
            bs.settled(page, before, STEP)
            assert_clean(page)
            shots(page, "reviewed")
            [review] = store.reviews_for(doc, expert)
            assert (review.target_type, review.target_id, review.decision, review.reason) == (
                "checklist_item", gap.id, "accept", "klopt: e2e-test")

            # 7. export the HTML report and check what it says
            nav(page, "Exporteren", "Exporteren")
            expect(page.get_by_text("De export bevat 1 beoordeelde onderdelen", exact=False)).to_be_visible()
            shots(page, "export")
            with page.expect_download(timeout=STEP) as caught:
                page.get_by_test_id("stDownloadButton").filter(has_text="HTML-rapport").get_by_role("button").click()
            download = caught.value
            assert download.suggested_filename == "nl_workwear_risicoanalyse-ketenlens.html"
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            html = saved.read_text(encoding="utf-8")
            headline = store.effective_labels(doc, expert)["assessment"]["summary"]["headline_nl"]
            assert headline and headline in html
            assert "Beoordeeld door experts" in html and "klopt: e2e-test" in html and gap.id in html
            assert_clean(page)
            context.close()
            browser.close()
    except Exception as exc:  # keep what the browser showed, and say where the server log is
        if page is not None:
            try:
                shots(page, "failure")
            except Exception:  # noqa: BLE001 (the browser may be gone)
                pass
        exc.add_note(f"screenshots: {tmp_path / 'screenshots'}; server log: {server.log_path}\n{server.log_tail()}")
        raise
    finally:
        if store is not None:
            store.close()
        server.stop()
    assert server.proc.returncode is not None
    names = [p.name for p in shots.taken]
    assert len(names) >= 10 and all(p.stat().st_size > 10_000 for p in shots.taken), names
    print("\n" + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


# -- five users at once (async API: the five contexts act concurrently) --------------------------

USERS = {"manager": "contract_manager", "expert1": "expert", "expert2": "expert", "expert3": "expert",
         "expert4": "expert"}


async def one_user(browser, url: str, username: str, headline: str, gates: list[asyncio.Barrier],
                   shots_dir: Path) -> dict:
    """Log in and open the overview; every user waits for the others at each gate, then acts at once."""
    context = await browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        return await _log_in_and_open_overview(context, username, url, headline, gates, shots_dir)
    except BaseException:
        for gate in gates:  # the others must fail too, not wait for this user at a gate forever
            await gate.abort()
        raise
    finally:
        await context.close()


async def _log_in_and_open_overview(context, username: str, url: str, headline: str, gates: list[asyncio.Barrier],
                                    shots_dir: Path) -> dict:
    from playwright.async_api import expect

    page = await context.new_page()
    bs.track(page)
    page.set_default_timeout(30_000)
    await page.goto(url)
    await expect(page.get_by_role("heading", name="ketenlens — inloggen")).to_be_visible(timeout=30_000)
    await bs.wait_settled(page, 0, 30_000)
    await page.get_by_label("Gebruikersnaam").fill(username)
    await page.get_by_label("Wachtwoord", exact=True).fill(bs.PASSWORD)
    await gates[0].wait()  # everyone presses "Inloggen" together
    started = time.perf_counter()
    before = bs.runs(page)
    await page.get_by_test_id("stFormSubmitButton").get_by_role("button", name="Inloggen").click()
    await expect(page.get_by_role("heading", name="Dossiers", exact=True)).to_be_visible(timeout=30_000)
    await bs.wait_settled(page, before, 30_000)
    logged_in = time.perf_counter() - started
    login_server = bs.finished_at(page) - started
    await gates[1].wait()  # everyone opens the overview together
    started = time.perf_counter()
    before = bs.runs(page)
    await page.get_by_test_id("stSidebarNavLink").filter(has_text="Overzicht").click()
    await expect(page.get_by_text(headline, exact=True)).to_be_visible(timeout=30_000)
    await expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2, timeout=30_000)
    await bs.wait_settled(page, before, 30_000)
    overview = time.perf_counter() - started
    overview_server = bs.finished_at(page) - started
    await page.screenshot(path=str(shots_dir / f"overview-{username}.png"), full_page=True)
    text = await page.locator("[data-testid=stMain]").inner_text()
    return {"user": username, "login_s": logged_in, "overview_s": overview, "login_server_s": login_server,
            "overview_server_s": overview_server,
            "problems": await bs.problems_async(page), "text": text}


async def five_at_once(url: str, headline: str, shots_dir: Path) -> list:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await bs.launch_async(p)
        try:
            gates = [asyncio.Barrier(len(USERS)), asyncio.Barrier(len(USERS))]
            users = asyncio.gather(*(one_user(browser, url, name, headline, gates, shots_dir) for name in USERS),
                                   return_exceptions=True)
            return await asyncio.wait_for(users, timeout=300)  # a stuck browser fails the test, never hangs it
        finally:
            await browser.close()


def test_five_users_open_the_same_overview_at_once(tmp_path, tiny_model):
    from analyzer.classify.model import PassageClassifier
    from analyzer.pipeline import analyze_parsed, parse

    data = tmp_path / "data"
    data.mkdir()
    env = bs.app_env(data, tiny_model)
    manager = bs.add_users(env, USERS)["manager"]
    store = bs.store_for(env)
    try:  # one case of the manager's, its document analysed (with the same model the app loads) beforehand
        case = store.create_case("Van Dijk Bedrijfskleding B.V.", "workwear", "ISV-LOAD-001", date(2024, 1, 1),
                                 manager)
        doc = store.add_document(case, SAMPLE.read_bytes(), SAMPLE.name, "risk_analysis", 2024, manager,
                                 received_on=date(2024, 3, 1))
        model = PassageClassifier.load(tiny_model)
        record = store.analysis_for(doc, bs.TINY_MODEL_NAME, lambda: analyze_parsed(
            parse(SAMPLE), model, "workwear", "risk_analysis").to_dict(), manager)
        headline = record.result["assessment"]["summary"]["headline_nl"]
    finally:
        store.close()

    shots_dir = tmp_path / "screenshots"
    shots_dir.mkdir()
    server = bs.AppServer(env, tmp_path / "streamlit.log", cpus=2)  # the server on (at most) two cores
    try:
        server.start()
        results = asyncio.run(five_at_once(server.url, headline, shots_dir))
    finally:
        server.stop()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"{failures!r}\n--- server log ---\n{server.log_tail()}"
    for result in results:
        assert result["problems"] == [], (result["user"], result["problems"])
        assert "Traceback" not in result["text"] and "Er ging iets mis" not in result["text"], result["user"]
        assert headline in result["text"], result["user"]
    assert "Traceback" not in server.log_tail(20_000)
    store = bs.store_for(env)
    try:  # nobody analysed the document again: the stored analysis served all five
        assert store.latest_analysis(doc, manager).id == record.id
    finally:
        store.close()
    print("\n" + "\n".join(f"{r['user']}: login {r['login_s']:.2f} s (server done {r['login_server_s']:.2f} s), "
                           f"overview {r['overview_s']:.2f} s (server done {r['overview_server_s']:.2f} s)"
                           for r in results))
