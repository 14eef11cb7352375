"""Identity verifications: lookup, delete, and verification by SMS code (OTP).

``TEST_OTP`` is the code every SMS of the fake carries; another code is refused (400).
"""

from __future__ import annotations

from typing import Any

from iamport_async.testing._http import FakeRequest, Reply, fail, found, ok
from iamport_async.testing._params import text
from iamport_async.testing._router import lookup, route
from iamport_async.testing._state import FakeState

TEST_OTP = "123456"
"""The SMS code the fake "sends" for every ``otp/request``."""
_NO_CERTIFICATION = "본인인증결과를 찾을 수 없습니다."
_GENDERS = {"1": "male", "3": "male", "5": "male", "7": "male"}


def _visible(state: FakeState) -> dict[str, Any]:
    """Verifications that were completed (one waiting for its SMS code is not a result)."""
    return {k: v for k, v in state.certifications.items() if v["certified"]}


lookup("/certifications/{imp_uid}", _visible, _NO_CERTIFICATION)


@route("DELETE", "/certifications/{imp_uid}")
def delete_certification(state: FakeState, request: FakeRequest) -> Reply:
    return found(state.certifications.pop(request.path_params["imp_uid"], None), _NO_CERTIFICATION)


@route("POST", "/certifications/otp/request")
def request_otp(state: FakeState, request: FakeRequest) -> Reply:
    """Start a verification: a pending ``imp_uid`` whose SMS carries :data:`TEST_OTP`."""
    data = request.data()
    missing = [
        f
        for f in ("name", "phone", "birth", "gender_digit", "carrier", "channel_key")
        if text(data, f) is None
    ]
    if missing:
        return fail(400, -1, f"{', '.join(missing)} 파라메터가 필요합니다.")
    birth = str(data["birth"])
    century = "19" if str(data["gender_digit"]) in "1256" else "20"
    record = state.add_certification(
        name=str(data["name"]),
        phone=str(data["phone"]),
        carrier=str(data["carrier"]),
        gender=_GENDERS.get(str(data["gender_digit"]), "female"),
        birthday=f"{century}{birth[:2]}-{birth[2:4]}-{birth[4:6]}",
        merchant_uid=text(data, "merchant_uid") or f"cert_{state.rng.randrange(10**12):012d}",
        certified=False,
        certified_at=0,
    )
    return ok({"imp_uid": record["imp_uid"]})


@route("POST", "/certifications/otp/confirm/{imp_uid}")
def confirm_otp(state: FakeState, request: FakeRequest) -> Reply:
    """The right code completes it once; a wrong code or a second confirm is a 400."""
    record = state.certifications.get(request.path_params["imp_uid"])
    if record is None:
        return fail(404, -1, _NO_CERTIFICATION)
    if record["certified"]:
        return fail(400, -1, "이미 인증이 완료된 건입니다.")
    if text(request.data(), "otp") != TEST_OTP:
        return fail(400, -1, "인증번호가 일치하지 않습니다.")
    record.update(certified=True, certified_at=state.now())
    return ok(dict(record))
