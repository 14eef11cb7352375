"""Identity verification results (``CertificationAnnotation``, ``CertificationOTPAnnotation``).

A result is personal data: the name, phone number, birthday and the CI/DI keys
(``unique_key``, ``unique_in_site``) are left out of ``repr`` so that logging a result does not
log the person.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from iamport_async.models._converter import Model, Timestamp


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Carrier(enum.StrEnum):
    """``carrier`` of the phone used. MVNO subscribers come back with the ``_MVNO`` suffix."""

    SKT = "SKT"
    KT = "KT"
    LGT = "LGT"
    SKT_MVNO = "SKT_MVNO"
    KT_MVNO = "KT_MVNO"
    LGT_MVNO = "LGT_MVNO"


@attrs.frozen
class Certification(Model):
    """A verification result, as the API describes it (reference §12).

    ``phone`` and ``carrier`` are absent unless the carrier approved sharing them (and for
    card-based verification); ``foreigner_v2`` is None unless foreigner detection was
    contracted (``foreigner`` is then always False). ``birthday`` is kept as sent
    ("YYYY-MM-DD"); :attr:`birth_date` reads it as a date.
    """

    imp_uid: str
    merchant_uid: str | None = None
    pg_tid: str | None = None
    pg_provider: str | None = None
    name: str | None = attrs.field(default=None, repr=False)
    gender: Gender | str | None = None
    birthday: str | None = attrs.field(default=None, repr=False)
    """As sent: "YYYY-MM-DD"."""
    foreigner: bool = False
    foreigner_v2: bool | None = None
    phone: str | None = attrs.field(default=None, repr=False)
    carrier: Carrier | str | None = None
    certified: bool = False
    certified_at: Timestamp = None
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

    imp_uid: str
