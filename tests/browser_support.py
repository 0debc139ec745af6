"""Helpers for driving the review screen in a real headless Chromium (tests/test_browser.py, bench/app_load.py).

- ``skip_reason()``: why the browser tests cannot run here (no /usr/bin/chromium, no playwright), or None.
- ``train_tiny_model(folder)``: a hashing-embedder model trained in seconds on a slice of corpus/.
- ``AppServer``: ``streamlit run app.py`` as a subprocess on a free loopback port, with its own database,
  files folder, model and embedding cache; ``stop()`` always ends it (SIGTERM, then SIGKILL).
- ``launch(playwright)`` / ``launch_async(playwright)``: Debian's Chromium, headless, no network extras.
- ``RUN_TRACKER``: an init script that counts finished Streamlit script runs; ``settled`` and
  ``wait_settled`` wait until the app has finished rerunning (sync and async Playwright).
- ``problems(page)``: the exception and error texts a page shows (both must be empty in a passing test).

Waiting for Streamlit: every interaction makes the server rerun the page script. The app root
(``[data-testid=stApp]``) carries ``data-test-script-state`` (``running``, ``notRunning``, ...) and
``data-test-connection-state``. A run has finished when the state is ``notRunning`` and no element is
marked stale; after an action we also wait for a text that only the new run shows, so a check can never
pass on the page as it was before the click.
"""

from __future__ import annotations

import os
import shutil
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


def skip_reason() -> str | None:
    """None when the browser tests can run; else one line saying what to install."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing: apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: .venv/bin/pip install playwright (never `playwright install`)"
    try:
        import streamlit  # noqa: F401
        import sqlalchemy  # noqa: F401
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


def add_users(env: dict[str, str], users: dict[str, str]) -> None:
    """Create users {username: role} with ``PASSWORD`` through ``analyzer.store.add_user`` (as the CLI does)."""
    from analyzer.store import add_user

    for username, role in users.items():
        add_user(username, role, PASSWORD, f"{username} (test)", database_url=env["KETENLENS_DATABASE_URL"],
                 files_dir=env["KETENLENS_FILES_DIR"])


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
                   "--browser.gatherUsageStats", "false"]
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


# Counts finished script runs (a change of data-test-script-state to notRunning) in window.__klRuns.
RUN_TRACKER = """
(() => {
  window.__klRuns = 0;
  window.__klState = null;
  const note = (el) => {
    const state = el.getAttribute('data-test-script-state');
    if (state === window.__klState) return;
    if (state === 'notRunning' && window.__klState !== null) window.__klRuns += 1;
    window.__klState = state;
  };
  new MutationObserver((records) => {
    for (const r of records) if (r.target && r.target.getAttribute) note(r.target);
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
})();
"""

# True when the app is connected, its script is not running and nothing on the page is stale.
IDLE = """(after) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if ((window.__klRuns || 0) <= after) return false;
  return document.querySelector('[data-stale="true"]') === null;
}"""

RUNS = "() => window.__klRuns || 0"


def runs(page) -> int:
    """Finished script runs so far; pass it to ``settled`` to wait for a run after an action."""
    return page.evaluate(RUNS)


def settled(page, after: int = -1, timeout: float = 30_000) -> None:
    """Wait (sync API) until a script run later than ``after`` finished and the page is idle."""
    page.wait_for_function(IDLE, arg=after, timeout=timeout, polling=50)


async def runs_async(page) -> int:
    return await page.evaluate(RUNS)


async def wait_settled(page, after: int = -1, timeout: float = 30_000) -> None:
    await page.wait_for_function(IDLE, arg=after, timeout=timeout, polling=50)


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


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
