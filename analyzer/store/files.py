"""Document bytes, stored once per content under their SHA-256.

Why a folder and not the database: uploads are PDFs of megabytes, and keeping
them out of the tables keeps the database small, fast to back up and the same on
SQLite and PostgreSQL. Why content addressing: the same file uploaded for two
cases (or twice) is stored once, and a file's name says whether its bytes are
still intact.

Layout: ``<root>/<first two hex digits>/<full hex digest>``. Files are written to
a temporary name and renamed into place, so a crash never leaves half a file
under a real name; files and folders are readable by the owner only, because
supplier documents are confidential.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from analyzer.store.errors import FileStoreError, InvalidValueError

_DIGEST = re.compile(r"[0-9a-f]{64}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    """A folder of content-addressed files (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).expanduser()

    def path(self, digest: str) -> Path:
        if not _DIGEST.fullmatch(digest):
            raise InvalidValueError(f"not a SHA-256 hex digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store ``data`` (if it is not there yet) and return its SHA-256 hex digest."""
        digest = sha256_hex(data)
        target = self.path(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise FileStoreError(f"cannot write to the files folder {self.root}: {exc.strerror}; "
                                 f"check that it exists and is writable, or set KETENLENS_FILES_DIR") from None
        return digest

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; refuses missing or altered files."""
        target = self.path(digest)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise FileStoreError(f"stored file {digest[:12]}… is missing from {self.root}; "
                                 f"restore the files folder from a backup or upload the document again") from None
        except OSError as exc:
            raise FileStoreError(f"cannot read stored file {target}: {exc.strerror}") from None
        if sha256_hex(data) != digest:
            raise FileStoreError(f"stored file {target} does not match its hash (altered or damaged); "
                                 f"restore it from a backup or upload the document again")
        return data

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def delete(self, digest: str) -> bool:
        """Remove the file for ``digest``; True if there was one."""
        target = self.path(digest)
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        try:
            target.parent.rmdir()  # only succeeds when the fan-out folder is now empty
        except OSError:
            pass
        return True

    def digests(self) -> set[str]:
        """Every digest that has a file (for clearing out files no document refers to)."""
        if not self.root.is_dir():
            return set()
        return {p.name for p in self.root.glob("??/*") if p.is_file() and _DIGEST.fullmatch(p.name)}
