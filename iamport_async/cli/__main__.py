"""``python -m iamport_async.cli``: the same as the ``iamport-async`` command."""

import sys

from iamport_async.cli import main

sys.exit(main())
