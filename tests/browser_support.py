"""Helpers for driving the review screen in a real headless Chromium (tests/test_browser.py, bench/app_load.py).

- ``skip_reason()``: why the browser tests cannot run here (no /usr/bin/chromium, no playwright), or None.
- ``train_tiny_model(folder)``: a hashing-embedder model trained in seconds on a slice of corpus/.
- ``AppServer``: ``streamlit run app.py`` as a subprocess on a free loopback port, with its own database,
  files folder, model and embedding cache; ``stop()`` always ends it (SIGTERM, then SIGKILL).
- ``launch(playwright)`` / ``launch_async(playwright)``: Debian's Chromium, headless, no network extras.
- ``track(page)`` / ``runs(page)``: count the script runs the server reports finished to a page;
  ``settled`` and ``wait_settled`` wait until the next run has finished and the page is idle
  (sync and async Playwright).
- ``problems(page)``: the exception and error texts a page shows (both must be empty in a passing test).

Waiting for Streamlit: every interaction makes the server rerun the page script. A run has finished
when the server has sent its ``script_finished`` message (counted from the WebSocket frames, see
``RunCounter``) and the page is idle: the app root (``[data-testid=stApp]``) says
``data-test-script-state="notRunning"`` and ``data-test-connection-state="CONNECTED"``, no element is
marked stale, and that has held for ``QUIET_MS``. The page's own "running" state is not enough on its
own: under load the frontend may apply a whole run in one render and never show it. After an action
the tests also wait for a text that only the new run shows.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "correct horse battery"
TINY_MODEL_NAME = "tiny-browser"


def browser_required() -> bool:
    """Whether KETENLENS_REQUIRE_BROWSER=1 asks for the browser tests to run rather than skip (CI)."""
    return os.environ.get("KETENLENS_REQUIRE_BROWSER", "").strip() == "1"


def skip_reason() -> str | None:
    """None when the browser tests can run; else one line saying what to install."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: .venv/bin/pip install playwright (never `playwright install`)"
    try:
        import sqlalchemy  # noqa: F401
        import streamlit  # noqa: F401
    except ImportError:
        return "the app extras (streamlit, SQLAlchemy) are not installed"
    return None


# -- model and environment ---------------------------------------------------------------------

def train_tiny_model(folder: Path, every: int = 12, name: str = TINY_MODEL_NAME) -> Path:
    """A small model (hashing embedder, every ``every``-th team corpus line, 2-fold CV) saved in ``folder``."""
    from analyzer.classify.embed import CachedEmbedder, HashingEmbedder
    from analyzer.classify.model import FeatureConfig
    from analyzer.classify.train import train

    corpus = folder.parent / f"{folder.name}-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for path in sorted((REPO / "corpus").glob("team_*.jsonl")):
        lines += path.read_text(encoding="utf-8").splitlines()[::every]
    (corpus / "slice.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = train(corpus, FeatureConfig(embedder="hashing"), cv=2,
                  embedder=CachedEmbedder(HashingEmbedder(), None), log=lambda m: None)
    model.meta["name"] = name
    model.save(folder)
    return folder


def app_env(data: Path, model: Path | None) -> dict[str, str]:
    """The environment for the app: a database, files folder and embedding cache under ``data``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KETENLENS_")}
    env.update({
        "KETENLENS_DATABASE_URL": f"sqlite:///{data / 'ketenlens.sqlite'}",
        "KETENLENS_FILES_DIR": str(data / "files"),
        "KETENLENS_CACHE": str(data / "cache"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    })
    if model is not None:
        env["KETENLENS_MODEL"] = str(model)
    return env


def store_for(env: dict[str, str]):
    """The same store the app opens with ``env`` (the test process writes users, cases, analyses to it)."""
    from analyzer.store import open_store

    return open_store(env["KETENLENS_DATABASE_URL"], env["KETENLENS_FILES_DIR"])


def add_users(env: dict[str, str], users: dict[str, str]) -> dict:
    """Create users {username: role} with ``PASSWORD`` through ``analyzer.store.add_user`` (as the CLI does)."""
    from analyzer.store import add_user

    return {username: add_user(username, role, PASSWORD, username, database_url=env["KETENLENS_DATABASE_URL"],
                               files_dir=env["KETENLENS_FILES_DIR"])
            for username, role in users.items()}


# -- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` on 127.0.0.1:<free port>; use as a context manager or call ``stop()`` in finally."""

    def __init__(self, env: dict[str, str], log_path: Path, cpus: int | None = None):
        self.env, self.log_path, self.cpus = env, log_path, cpus
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 60.0) -> AppServer:
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false",
                   # Streamlit's watcher unloads edited modules mid-run: an edit while tests run must not
                   # turn into import errors in the sessions under test.
                   "--server.fileWatcherType", "none"]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=self._pin if self.cpus else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit did not answer on {self.url} within {timeout:.0f} s: {self.log_tail()}")

    def _pin(self) -> None:  # runs in the child before exec: at most ``cpus`` cores
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[: self.cpus])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# -- the browser -------------------------------------------------------------------------------

def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


async def launch_async(playwright):
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


class RunCounter:
    """Counts the script runs that the server reports finished to one page.

    Streamlit sends every ForwardMsg as one binary WebSocket frame; a run ends with a
    ``script_finished`` message (FINISHED_EARLY_FOR_RERUN, sent when st.rerun() cuts a run short, does
    not count). Playwright shows the frames as they arrive, so this does not depend on the page ever
    rendering the short-lived "running" state (under load the frontend may apply a whole run at once).
    """

    MAX_FRAME = 16_384  # a script_finished message is a few bytes; deltas can be megabytes: skip those

    def __init__(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
        self.finished = 0
        self.finished_at = 0.0  # time.perf_counter() when the last finished run was seen

    def _socket(self, ws) -> None:
        if "/_stcore/stream" in ws.url:
            ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        if not isinstance(payload, (bytes, bytearray)) or len(payload) > self.MAX_FRAME:
            return
        message = self._message()
        try:
            message.ParseFromString(bytes(payload))
        except Exception:  # noqa: BLE001 (not a ForwardMsg: not ours to judge)
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in self._done:
            self.finished += 1
            self.finished_at = time.perf_counter()


_COUNTERS: dict[int, RunCounter] = {}


def track(page) -> RunCounter:
    """Start counting finished runs for ``page``: call before its first ``goto``."""
    counter = RunCounter()
    page.on("websocket", counter._socket)
    _COUNTERS[id(page)] = counter
    return counter


def runs(page) -> int:
    """Runs finished so far on ``page``; pass it to ``settled`` after an action to wait for the next one."""
    return _COUNTERS[id(page)].finished


def finished_at(page) -> float:
    """``time.perf_counter()`` when the server's last finished run reached this process."""
    return _COUNTERS[id(page)].finished_at


# The app is idle: connected, its script not running, nothing stale; true once it has stayed so for
# ``quiet`` ms (reset window.__klIdleSince before waiting). Checked after the server reported the run
# finished, so the frontend has had the time to apply the run's last messages.
IDLE = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-stale="true"]') === null;
  const now = performance.now();
  if (!idle) { window.__klIdleSince = undefined; return false; }
  if (window.__klIdleSince === undefined) window.__klIdleSince = now;
  return now - window.__klIdleSince >= quiet;
}"""

STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {script: app && app.getAttribute('data-test-script-state'),
          connection: app && app.getAttribute('data-test-connection-state'),
          stale: document.querySelectorAll('[data-stale="true"]').length};
}"""

QUIET_MS = 100


class NotSettled(AssertionError):
    pass


def settled(page, after: int = 0, timeout: float = 30_000) -> None:
    """Wait (sync API) until the server has finished a run later than run number ``after`` (``runs(page)``
    before the action) and the page has been idle for ``QUIET_MS``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    counter = _COUNTERS[id(page)]
    deadline = time.monotonic() + timeout / 1000
    while counter.finished <= after:
        if time.monotonic() > deadline:
            raise NotSettled(f"no script run finished within {timeout / 1000:.0f} s after run {after}: "
                             f"{page.evaluate(STATE)}")
        page.wait_for_timeout(25)  # lets Playwright deliver the WebSocket frames
    page.evaluate("() => { window.__klIdleSince = undefined; }")
    left = max(1_000.0, (deadline - time.monotonic()) * 1000)
    try:
        page.wait_for_function(IDLE, arg=QUIET_MS, timeout=left, polling=25)
    except PlaywrightTimeout:
        raise NotSettled(f"run {counter.finished} finished but the page did not settle within "
                         f"{left / 1000:.0f} s: {page.evaluate(STATE)}") from None


async def wait_settled(page, after: int = 0, timeout: float = 30_000) -> None:
    """``settled`` for the async API."""
    import asyncio

    from playwright.async_api import TimeoutError as PlaywrightTimeout

    counter = _COUNTERS[id(page)]
    deadline = time.monotonic() + timeout / 1000
    while counter.finished <= after:
        if time.monotonic() > deadline:
            raise NotSettled(f"no script run finished within {timeout / 1000:.0f} s after run {after}: "
                             f"{await page.evaluate(STATE)}")
        await asyncio.sleep(0.025)
    await page.evaluate("() => { window.__klIdleSince = undefined; }")
    left = max(1_000.0, (deadline - time.monotonic()) * 1000)
    try:
        await page.wait_for_function(IDLE, arg=QUIET_MS, timeout=left, polling=25)
    except PlaywrightTimeout:
        raise NotSettled(f"run {counter.finished} finished but the page did not settle within "
                         f"{left / 1000:.0f} s: {await page.evaluate(STATE)}") from None


PROBLEMS = """() => Array.from(document.querySelectorAll(
  '[data-testid="stException"], [data-testid="stAlertContentError"]')).map(e => e.innerText.trim())"""


def problems(page) -> list[str]:
    """Exception boxes and st.error texts on the page (sync API)."""
    return page.evaluate(PROBLEMS)


async def problems_async(page) -> list[str]:
    return await page.evaluate(PROBLEMS)


def chromium_version() -> str:
    try:
        out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    return out.strip().splitlines()[-1] if out.strip() else "?"
