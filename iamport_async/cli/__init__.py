"""The ``iamport-async`` command: ``demo``, ``reconcile`` and ``payments get``.

Progress bars and tables use ``rich`` when it is installed (``pip install
'iamport-async[cli]'``) and plain text otherwise. Exit status: 0 success (everything
matched or found), 1 something differs or is missing, 2 usage or input error, 3 the API
refused the credentials, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import httpx

from iamport_async._environment import KEY_VARIABLE, SECRET_VARIABLE
from iamport_async._version import __version__
from iamport_async.cli import _demo, _payments_cmd, _reconcile_cmd
from iamport_async.cli._common import EXIT_CREDENTIALS, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from iamport_async.errors import UnauthorizedError
from iamport_async.reconcile import Progress

__all__ = ["main"]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="iamport-async",
        description="i'mport (PortOne V1) from the command line: reconcile orders, look up "
        "payments, or run the offline demo.",
    )
    root.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _demo.add_parser(commands)
    _reconcile_cmd.add_parser(commands)
    _payments_cmd.add_parser(commands)
    return root


def main(
    argv: Sequence[str] | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress_hook: Callable[[Progress], None] | None = None,
) -> int:
    """Run the command line; returns the exit status.

    ``transport`` and ``progress_hook`` are for tests: an httpx transport to send requests
    through (an in-process fake API), and a callback seeing every progress update (raise
    KeyboardInterrupt from it to play Ctrl-C at a chosen point).
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        if args.command == "demo":
            return _demo.run(args, progress_hook=progress_hook)
        if args.command == "reconcile":
            return _reconcile_cmd.run(args, transport=transport, progress_hook=progress_hook)
        return _payments_cmd.run(args, transport=transport)
    except UsageError as error:
        sys.stderr.write(f"iamport-async: {error}\n")
        return EXIT_USAGE
    except UnauthorizedError as error:  # fatal for the whole run: nothing else was sent
        sys.stderr.write(
            f"iamport-async: the API refused the credentials ({KEY_VARIABLE}, "
            f"{SECRET_VARIABLE}); stopped. {error}\n"
        )
        return EXIT_CREDENTIALS
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
