"""Identity verification results (``CertificationAnnotation``, ``CertificationOTPAnnotation``).

A result is personal data: the name, phone number, birthday and the CI/DI keys
(``unique_key``, ``unique_in_site``) are left out of ``repr`` so that logging a result does not
log the person.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iamport_async.models._types import Deciding, Model, Timestamp


class Gender(enum.StrEnum):
    """``gender`` of the verified person."""

    MALE = "male"
    """Male."""
    FEMALE = "female"
    """Female."""


class Carrier(enum.StrEnum):
    """``carrier`` of the phone used. MVNO subscribers come back with the ``_MVNO`` suffix."""

    SKT = "SKT"
    """SK Telecom."""
    KT = "KT"
    """KT."""
    LGT = "LGT"
    """LG U+."""
    SKT_MVNO = "SKT_MVNO"
    """A budget (MVNO) carrier on SK Telecom's network."""
    KT_MVNO = "KT_MVNO"
    """A budget (MVNO) carrier on KT's network."""
    LGT_MVNO = "LGT_MVNO"
    """A budget (MVNO) carrier on LG U+'s network."""


@attrs.frozen
class Certification(Model):
    """A verification result, as the spec describes it (``CertificationAnnotation``).

    ``phone`` and ``carrier`` are absent unless the carrier approved sharing them (and for
    card-based verification); ``foreigner_v2`` is None unless foreigner detection was
    contracted (``foreigner`` is then always False). ``birthday`` is kept as sent
    ("YYYY-MM-DD"); :attr:`birth_date` reads it as a date.
    """

    DECIDING = Deciding(
        "imp_uid",
        "merchant_uid",
        "certified",
        "certified_at",
        "unique_key",
        "unique_in_site",
    )
    """Strict: the ids, ``certified`` (the verdict) and when, and the person's keys (CI
    ``unique_key``, DI ``unique_in_site``: merchants key accounts by them). Name, phone,
    gender, carrier and the rest describe."""

    imp_uid: str
    """i'mport's id of the verification."""
    merchant_uid: str | None = None
    """The merchant's own id for the verification, as sent."""
    pg_tid: str | None = None
    """The PG's id of the verification result."""
    pg_provider: str | None = None
    """The verification provider's code (``danal``, ``kcp_v2``, ...)."""
    name: str | None = attrs.field(default=None, repr=False)
    """The person's real name; personal data, left out of ``repr``."""
    gender: Gender | str | None = None
    """``male`` or ``female``."""
    birthday: str | None = attrs.field(default=None, repr=False)
    """As sent: "YYYY-MM-DD"."""
    foreigner: bool = False
    """Whether the person is a foreigner; always False unless foreigner detection was contracted
    (prefer ``foreigner_v2``)."""
    foreigner_v2: bool | None = None
    """Whether the person is a foreigner; None unless foreigner detection was contracted."""
    phone: str | None = attrs.field(default=None, repr=False)
    """The phone number used, digits only; absent unless the carrier approved sharing it. Left out
    of ``repr``."""
    carrier: Carrier | str | None = None
    """The phone's carrier (``SKT``, ``KT``, ``LGT``, ``*_MVNO``); absent without carrier
    approval."""
    certified: bool = False
    """Whether the verification succeeded."""
    certified_at: Timestamp = None
    """When the verification was made (UTC)."""
    unique_key: str | None = attrs.field(default=None, repr=False)
    """CI: the person's key, the same across merchants."""
    unique_in_site: str | None = attrs.field(default=None, repr=False)
    """DI: the person's key within this merchant's verification MID."""
    origin: str | None = None
    """URL of the page the verification ran on."""

    @property
    def birth_date(self) -> date | None:
        """``birthday`` as a date; None when absent or not an ISO date (it is never a reason
        to fail reading a result)."""
        if not self.birthday:
            return None
        try:
            return date.fromisoformat(self.birthday.strip()[:10])
        except ValueError:
            return None


@attrs.frozen
class CertificationOtp(Model):
    """The answer to an OTP request: the ``imp_uid`` to confirm the code against."""

    DECIDING = Deciding("imp_uid")
    """Strict: the ``imp_uid`` to confirm the code against."""

    imp_uid: str
    """i'mport's id of the verification, to confirm the OTP against."""
