"""Identity verification: results that keep personal data out of sight, and the OTP flow."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.certifications import Certifications
from iamport_async.errors import (
    BadRequestError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    ServerError,
)
from iamport_async.models.certification import Carrier, Certification, Gender
from tests.conftest import envelope
from tests.endpoints._helpers import NOW, body_of

pytestmark = pytest.mark.anyio

CI = "ci+AbCdEfGh1234567890/ZYXWVUTsrqponmlkjihgfedcba=="
DI = "MC0GCCqGSIb3DQIJAyEA-di-value"


def certification(**fields: Any) -> dict[str, Any]:
    """A spec-shaped ``CertificationAnnotation``."""
    return {
        "imp_uid": "imp_cert_1",
        "merchant_uid": "cert-1",
        "pg_tid": "202401010000",
        "pg_provider": "danal",
        "name": "홍길동",
        "gender": "male",
        "birthday": "1990-02-03",
        "foreigner": False,
        "foreigner_v2": False,
        "phone": "01012345678",
        "carrier": "SKT",
        "certified": True,
        "certified_at": NOW,
        "unique_key": CI,
        "unique_in_site": DI,
        "origin": "https://shop.example/join",
        **fields,
    }


@pytest.fixture
def certifications(client: Iamport) -> Certifications:
    return Certifications(client._engine)


async def test_get_reads_a_result(api: respx.MockRouter, certifications: Certifications) -> None:
    api.get("/certifications/imp_cert_1").respond(json=envelope(certification()))
    result = await certifications.get("imp_cert_1")
    assert isinstance(result, Certification)
    assert result.certified
    assert result.certified_at == datetime.fromtimestamp(NOW, UTC)
    assert result.gender is Gender.MALE
    assert result.carrier is Carrier.SKT
    assert result.birthday == "1990-02-03"
    assert result.birth_date == date(1990, 2, 3)
    assert (result.unique_key, result.unique_in_site) == (CI, DI)


async def test_personal_data_stays_out_of_repr(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    api.get("/certifications/imp_cert_1").respond(json=envelope(certification()))
    text = repr(await certifications.get("imp_cert_1"))
    for value in ("홍길동", "1990-02-03", "01012345678", CI, DI):
        assert value not in text
    assert "imp_cert_1" in text


async def test_what_the_reference_says_may_be_missing_or_null_is_accepted(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    payload = certification(foreigner_v2=None, birthday="1990-13-45", carrier="KT_MVNO")
    del payload["phone"]
    api.get("/certifications/imp_cert_1").respond(json=envelope(payload))
    result = await certifications.get("imp_cert_1")
    assert result.foreigner_v2 is None
    assert result.phone is None
    assert result.carrier is Carrier.KT_MVNO
    assert result.birthday == "1990-13-45"  # kept as sent
    assert result.birth_date is None  # but not a date


async def test_an_unknown_carrier_is_kept_as_sent(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    payload = certification(carrier="LGU_MVNO")
    del payload["birthday"]
    api.get("/certifications/imp_cert_1").respond(json=envelope(payload))
    result = await certifications.get("imp_cert_1")
    assert result.carrier == "LGU_MVNO"
    assert result.birth_date is None


async def test_get_of_an_unknown_result_is_not_found(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    api.get("/certifications/imp_x").respond(404, json=envelope(None, code=-1, message="없음"))
    with pytest.raises(NotFoundError):
        await certifications.get("imp_x")


async def test_delete_is_guarded_so_a_timeout_is_retried(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    route = api.delete("/certifications/imp_cert_1").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json=envelope(certification())),
        ]
    )
    result = await certifications.delete("imp_cert_1")
    assert route.call_count == 2
    assert result.imp_uid == "imp_cert_1"


def otp_request(**changes: Any) -> dict[str, Any]:
    return {
        "name": "홍길동",
        "phone": "010-1234-5678",
        "birth": "900203",
        "gender_digit": "1",
        "carrier": "SKT",
        "channel_key": "channel-key-1",
        **changes,
    }


async def test_request_otp_sends_the_spec_fields(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    route = api.post("/certifications/otp/request").respond(
        json=envelope({"imp_uid": "imp_cert_2"})
    )
    answer = await certifications.request_otp(**otp_request())
    assert body_of(route) == otp_request()
    assert answer.imp_uid == "imp_cert_2"

    await certifications.request_otp(
        **otp_request(carrier="KT"),
        is_mvno=True,
        company="Shop",
        merchant_uid="cert-2",
        pg="danal.A010002002",
        verification_method="APP",
        bypass='{"k": "v"}',
    )
    assert body_of(route) == {
        **otp_request(carrier="KT"),
        "is_mvno": True,
        "company": "Shop",
        "merchant_uid": "cert-2",
        "pg": "danal.A010002002",
        "verification_method": "APP",
        "bypass": '{"k": "v"}',
    }


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        ({"phone": "010-1234-567a"}, "phone", "010-1234-567a"),
        ({"phone": "0101234"}, "phone", "0101234"),
        ({"birth": "1990-02-03"}, "birth", "1990-02-03"),
        ({"gender_digit": "9"}, "gender_digit", None),
        ({"gender_digit": 1}, "gender_digit", None),
        ({"carrier": "SKT_MVNO"}, "carrier", None),
        ({"verification_method": "EMAIL"}, "verification_method", None),
        ({"name": ""}, "name", None),
    ],
)
async def test_request_otp_refuses_bad_input_without_echoing_it(
    api: respx.MockRouter,
    certifications: Certifications,
    changes: dict[str, Any],
    field: str,
    value: str | None,
) -> None:
    route = api.post("/certifications/otp/request").respond(json=envelope({"imp_uid": "i"}))
    with pytest.raises(InvalidInputError) as caught:
        await certifications.request_otp(**otp_request(**changes))
    assert caught.value.field == field
    if value is not None:
        assert value not in str(caught.value)
    assert route.call_count == 0


async def test_request_otp_is_never_resent_after_a_5xx(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    route = api.post("/certifications/otp/request").respond(
        500, json=envelope(None, code=-1, message="다날 응답 오류")
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await certifications.request_otp(**otp_request())
    assert isinstance(caught.value.cause, ServerError)
    assert route.call_count == 1
    assert "900203" not in str(caught.value)


async def test_confirm_otp_sends_the_code_and_returns_the_result(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    route = api.post("/certifications/otp/confirm/imp_cert_2").respond(
        json=envelope(certification(imp_uid="imp_cert_2"))
    )
    result = await certifications.confirm_otp("imp_cert_2", otp="123456")
    assert body_of(route) == {"otp": "123456"}
    assert result.imp_uid == "imp_cert_2"

    await certifications.confirm_otp("imp_cert_2")  # KCP's APP method sends no code
    assert body_of(route) == {}


async def test_a_refused_code_is_a_bad_request_that_does_not_show_the_code(
    api: respx.MockRouter, certifications: Certifications
) -> None:
    route = api.post("/certifications/otp/confirm/imp_cert_2").respond(
        400, json=envelope(None, code=-1, message="인증번호가 일치하지 않습니다.")
    )
    with pytest.raises(BadRequestError) as caught:
        await certifications.confirm_otp("imp_cert_2", otp="654321")
    assert route.call_count == 1
    assert "654321" not in str(caught.value)
    assert "654321" not in caught.value.body


@pytest.mark.parametrize("otp", ["12a456", "", "12"])
async def test_a_malformed_code_is_refused_without_echoing_it(
    api: respx.MockRouter, certifications: Certifications, otp: str
) -> None:
    route = api.post("/certifications/otp/confirm/imp_cert_2").respond(json=envelope(None))
    with pytest.raises(InvalidInputError) as caught:
        await certifications.confirm_otp("imp_cert_2", otp=otp)
    assert caught.value.field == "otp"
    if otp:
        assert otp not in str(caught.value)
    assert route.call_count == 0
