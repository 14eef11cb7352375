"""``POST /users/getToken``."""

from __future__ import annotations

from iamport_async.testing._http import FakeRequest, Reply, fail, ok
from iamport_async.testing._router import TOKEN_PATH, route
from iamport_async.testing._state import FakeState


@route("POST", TOKEN_PATH)
def get_token(state: FakeState, request: FakeRequest) -> Reply:
    """The same token while it is valid (the access-token docs); 401 for wrong keys."""
    data = request.data()
    if not state.credentials_match(data.get("imp_key", ""), data.get("imp_secret", "")):
        return fail(401, -1, "imp_key, imp_secret 인증에 실패하였습니다.")
    token = state.issue_token()
    return ok(
        {"access_token": token.access_token, "now": state.now(), "expired_at": token.expired_at}
    )
