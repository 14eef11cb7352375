"""PG settings: a read that returns small models, unknown kinds kept."""

from __future__ import annotations

import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.pg import PgSettings
from iamport_async.models.reference_data import PgSettingType
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_pg_settings(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/users/pg").respond(
        json=envelope(
            [
                {
                    "pg_provider": "html5_inicis",
                    "pg_id": "INIpayTest",
                    "sandbox": True,
                    "type": "payment",
                    "channel_name": "web",
                    "channel_key": "channel-key-1",
                },
                {"pg_provider": "danal", "pg_id": "A010", "sandbox": False, "type": "new_kind"},
            ]
        )
    )
    settings = await PgSettings(client._engine).settings()
    assert settings[0].type is PgSettingType.PAYMENT
    assert settings[0].channel_key == "channel-key-1"
    assert settings[0].sandbox is True
    assert settings[1].type == "new_kind"  # an unknown type is kept
    assert settings[1].channel_key is None
