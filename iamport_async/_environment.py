"""What the library reads from the environment: the credentials and the logging switch.

One naming everywhere (client, command line, docs): ``IAMPORT_API_KEY``,
``IAMPORT_API_SECRET`` and ``IAMPORT_LOG``, as ``OPENAI_API_KEY`` and ``OPENAI_LOG`` work in
openai-python.
"""

from __future__ import annotations

import logging
import os
import sys

from iamport_async.errors import InvalidInputError

KEY_VARIABLE = "IAMPORT_API_KEY"
SECRET_VARIABLE = "IAMPORT_API_SECRET"  # noqa: S105 (a variable's name)
LOG_VARIABLE = "IAMPORT_LOG"

LOGGER_NAME = "iamport_async"
LOG_FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def credential(field: str, given: object) -> str:
    """``given`` if passed, else the environment's value; either must be a non-empty string.

    An explicit argument wins over the environment. Surrounding whitespace is refused, not
    stripped: no key holds any. The error names the argument and the variable, never a value.
    """
    variable = KEY_VARIABLE if field == "imp_key" else SECRET_VARIABLE
    source = ""
    if given is None:
        given = os.environ.get(variable)
        if not given:
            raise InvalidInputError(field, f"not given, and {variable} is not set")
        source = f"{variable} "
    if not isinstance(given, str) or not given:
        raise InvalidInputError(field, "must be a non-empty string")
    if given != given.strip():  # a newline from a mounted file or a .env: the API says only 401
        raise InvalidInputError(
            field, f"{source}begins or ends with whitespace (a newline from a file?): remove it"
        )
    return given


class _SwitchHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``IAMPORT_LOG`` adds; its class tells it apart from the application's."""


def switch_logging_on() -> None:
    """``IAMPORT_LOG=debug|info``: log the library's ``iamport_async`` logger to stderr.

    Called once when the package is imported. Other values (and no value) leave logging to
    the application, as the standard library expects of a library. Adds its handler once.
    """
    level = _LEVELS.get(os.environ.get(LOG_VARIABLE, "").strip().lower())
    if level is None:
        return
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(isinstance(handler, _SwitchHandler) for handler in logger.handlers):
        handler = _SwitchHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
