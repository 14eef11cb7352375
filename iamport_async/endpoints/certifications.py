"""Identity verification (tag ``certifications``): read or delete a verification result, and
verify a person by SMS code without the browser window (OTP: Danal and KCP's new module, for
merchants the carriers approved).

Everything sent here is personal data (name, phone, birth date, the resident number's 7th
digit, the code itself). Each value is checked for shape, and no error or log shows it.
"""

from __future__ import annotations

from typing import Any

from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.endpoints._checks import (
    choice,
    digit_string,
    nonblank_text,
    optional_body_bool,
    optional_choice,
    optional_id,
    optional_nonblank_text,
    optional_verbatim_text,
    require_id,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.models.certification import Certification, CertificationOtp
from iamport_async.retry import Idempotency

CARRIERS = ("SKT", "KT", "LGT")
"""Carriers an OTP request names; MVNO subscribers give their host's and ``is_mvno=True``."""
VERIFICATION_METHODS = ("SMS", "APP")
GENDER_DIGITS = tuple("12345678")
"""1-4 for Koreans (1/3 male, 2/4 female, 3/4 from 2000), 5-8 for foreigners."""


async def _certified(
    self: Certifications, error: Exception, imp_uid: str, **_: Any
) -> Certification | None:
    certification = await self.get(imp_uid)
    return certification if certification.certified else None


class Certifications(Endpoints):
    """Identity verification (``client.certifications``)."""

    @operation("GET", "/certifications/{imp_uid}")
    async def get(self, imp_uid: str) -> Certification:
        """The verification result ``imp_uid``. NotFoundError when there is none (or it was
        deleted)."""
        endpoint = path("/certifications/{}", require_id("imp_uid", imp_uid))
        return await self._call("GET", endpoint, Certification)

    @operation("DELETE", "/certifications/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "none: a deleted certification cannot be read back (404)",
        "read certifications.get(imp_uid): NotFoundError means deleted",
    )
    async def delete(self, imp_uid: str) -> Certification:
        """Delete the verification result ``imp_uid`` from i'mport's servers for good (for
        merchants that must not leave personal data with third parties); answers it as it was.

        Retry: ``GUARDED``. No money moves, and a deleted result cannot be deleted again
        (404), so a repeat can do no more than the first attempt. A NotFoundError with
        ``after_ambiguous_failure`` set usually means the first attempt deleted it.
        """
        endpoint = path("/certifications/{}", require_id("imp_uid", imp_uid))
        return await self._call("DELETE", endpoint, Certification, idempotency=Idempotency.GUARDED)

    @operation("POST", "/certifications/otp/request")
    @mutation(
        Resent.NEVER_SENT,
        "none",
        "request a new OTP: the earlier one, if sent, is replaced",
    )
    async def request_otp(
        self,
        *,
        name: str,
        phone: str,
        birth: str,
        gender_digit: str,
        carrier: str,
        channel_key: str,
        is_mvno: bool | None = None,
        company: str | None = None,
        merchant_uid: str | None = None,
        pg: str | None = None,
        verification_method: str | None = None,
        bypass: str | None = None,
    ) -> CertificationOtp:
        """Check a person's details with their carrier and, if they match, text them a 6-digit
        code; answers the ``imp_uid`` to pass to :meth:`confirm_otp` with that code.

        ``birth`` is YYMMDD, ``gender_digit`` the 7th digit of the resident registration
        number (``"1"`` to ``"8"``), ``carrier`` ``SKT``, ``KT`` or ``LGT`` (MVNO subscribers:
        their host, with ``is_mvno=True``). ``company`` is the service name the SMS shows.
        ``pg`` is deprecated by the API in favour of ``channel_key``; ``verification_method``
        (``SMS`` or ``APP``) and ``bypass`` are for KCP's new module. Details that do not
        match are refused (400, BadRequestError).

        Retry: ``UNGUARDED``. Each request texts a new code (and PGs throttle verification
        requests), so a request that may have reached the server is not resent; ask again
        only if no SMS arrived.
        """
        body = drop_none(
            {
                "name": nonblank_text("name", name),
                "phone": digit_string("phone", phone, 10, 11, "a mobile number of 10 or 11 digits"),
                "birth": digit_string("birth", birth, 6, 6, "YYMMDD (6 digits)"),
                "gender_digit": choice("gender_digit", gender_digit, GENDER_DIGITS),
                "carrier": choice("carrier", carrier, CARRIERS),
                "channel_key": nonblank_text("channel_key", channel_key),
                "is_mvno": optional_body_bool("is_mvno", is_mvno),
                "company": optional_nonblank_text("company", company),
                "merchant_uid": optional_id("merchant_uid", merchant_uid),
                "pg": optional_nonblank_text("pg", pg),
                "verification_method": optional_choice(
                    "verification_method", verification_method, VERIFICATION_METHODS
                ),
                "bypass": optional_verbatim_text("bypass", bypass),
            }
        )
        return await self._call(
            "POST",
            "/certifications/otp/request",
            CertificationOtp,
            json=body,
            idempotency=Idempotency.UNGUARDED,
        )

    @operation("POST", "/certifications/otp/confirm/{imp_uid}")
    @mutation(
        Resent.GUARDED,
        "`certifications.get(imp_uid)`: certified",
        "read certifications.get(imp_uid): certified or not",
        read_back=_certified,
    )
    async def confirm_otp(self, imp_uid: str, *, otp: str | None = None) -> Certification:
        """Complete verification ``imp_uid`` with the ``otp`` code the person received; answers
        the result (name, phone, carrier, gender, birthday, CI and DI). Leave ``otp`` out for
        KCP's APP method. A wrong code, or a verification already completed, is refused (400,
        BadRequestError).

        Retry: ``GUARDED``. The API refuses to confirm a verification twice (spec 400), and
        no money moves. A BadRequestError with ``after_ambiguous_failure`` set usually means
        the first attempt completed it: read the result with :meth:`get`.
        """
        endpoint = path("/certifications/otp/confirm/{}", require_id("imp_uid", imp_uid))
        body = drop_none(
            {"otp": None if otp is None else digit_string("otp", otp, 4, 10, "digits")}
        )
        return await self._call(
            "POST", endpoint, Certification, json=body, idempotency=Idempotency.GUARDED
        )
