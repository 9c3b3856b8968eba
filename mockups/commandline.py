"""What every `python -m ...` command line of the project shares: one line for bad input, and
quiet output into a pipe whose reader stops reading.

Bad input (an unusable file, a wrong option) exits with status 2 and one line on stderr;
an interrupt with 130; output to a reader that went away (`... | head`) ends the command
quietly with 141, as a shell reports a writer stopped by SIGPIPE. The commands' own modules
only parse arguments and call a library.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from mockups.errors import MockupLabError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_READER_GONE = 141  # 128 + SIGPIPE


class OneLineErrorParser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one line on stderr, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def run_command(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """`command(args)`, with the project's errors as one line on stderr and status 2."""
    try:
        with warnings.catch_warnings():
            # library warnings are not for the user; what matters reaches them as an error
            warnings.simplefilter("ignore")
            return command(args)
    except MockupLabError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


class ReaderGone(SystemExit):
    """The reader of the command's output stopped reading: not the command's error, so not
    an `Exception` that a command's own error handling would report."""


@contextmanager
def quiet_when_the_reader_leaves() -> Iterator[None]:
    """While inside, a write to stdout whose reader went away ends the command quietly
    (`ReaderGone`, status 141) instead of in a BrokenPipeError traceback: each command
    line's `main` (or `__main__`) runs inside, its --help included."""
    stdout = sys.stdout
    guarded = _Guarded(stdout)
    sys.stdout = guarded
    try:
        yield
    finally:  # on the way out of a SystemExit too (--help): what is still buffered
        sys.stdout = stdout
        guarded.flush()


class _Guarded:
    """A text stream whose writes and flushes turn a broken pipe into `ReaderGone`."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _reader_gone(self._stream)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _reader_gone(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _reader_gone(stream: Any) -> NoReturn:
    # What is still buffered goes nowhere, so the interpreter's last flush is quiet too.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)
    raise ReaderGone(EXIT_READER_GONE)
