"""What every `python -m ...` command line of the project shares: one line for bad input.

Bad input (an unusable file, a wrong option) exits with status 2 and one line on stderr;
an interrupt with 130. The commands' own modules only parse arguments and call a library.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable

from mockups.errors import MockupLabError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


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
