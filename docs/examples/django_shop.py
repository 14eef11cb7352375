"""Django views of the example shop: verify, refund, the webhook.

One blocking client for the whole process, made at import: its token, rate
limit and pool serve every request thread (gunicorn ``--threads``). After a
fork (``--preload``) each worker gets its own loop thread and token on its
first call.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from iamport_async.sync import (
    Iamport,
    IamportError,
    NotFoundError,
    OutcomeUnknownError,
    WebhookVerifier,
)
from iamport_async.webhooks import (
    Expected,
    InvalidWebhookError,
    WebhookOutcome,
)

client = Iamport(
    imp_key=settings.IAMPORT_API_KEY,
    imp_secret=settings.IAMPORT_API_SECRET,
)


class Orders:
    """Stands in for your models: each order's price, and what was done."""

    def __init__(self, prices: dict[str, int]) -> None:
        self.prices = prices
        self.paid: dict[str, str] = {}
        self.refunded: set[str] = set()

    def expected(self, merchant_uid: str) -> Expected | None:
        price = self.prices.get(merchant_uid)
        return None if price is None else Expected(price, currency="KRW")


orders = Orders({"order-1001": 15000})
verifier = WebhookVerifier(client.payments, expected=orders.expected)


@csrf_exempt
@require_POST
def verify_checkout(request: HttpRequest) -> JsonResponse:
    """The checkout ended: is the payment made, for the right amount?"""
    data = json.loads(request.body)
    try:
        payment = client.payments.get(data["imp_uid"])
    except NotFoundError:
        answer = {"ok": False, "why": "no such payment"}
        return JsonResponse(answer, status=404)
    price = orders.prices.get(payment.merchant_uid)
    if payment.status != "paid" or payment.amount != price:
        answer = {"ok": False, "why": "not paid as ordered"}
        return JsonResponse(answer, status=409)
    orders.paid[payment.merchant_uid] = payment.imp_uid
    return JsonResponse({"ok": True, "imp_uid": payment.imp_uid})


@csrf_exempt
@require_POST
def refund(request: HttpRequest, merchant_uid: str) -> JsonResponse:
    """Refund ``amount`` of an order once, however often it is asked."""
    data = json.loads(request.body)
    imp_uid = orders.paid[merchant_uid]
    try:
        payment = client.payments.cancel(
            imp_uid,
            amount=Decimal(data["amount"]),
            checksum=Decimal(data["balance"]),  # the balance seen first
            reason=data.get("reason", "refund"),
        )
    except OutcomeUnknownError as error:
        answer = {"ok": False, "unknown": str(error)}
        return JsonResponse(answer, status=503)
    except IamportError as error:
        answer = {"ok": False, "why": error.message}
        return JsonResponse(answer, status=409)
    orders.refunded.add(merchant_uid)
    left = str(payment.refundable_amount)
    return JsonResponse({"ok": True, "refundable": left})


@csrf_exempt
@require_POST
def iamport_webhook(request: HttpRequest) -> JsonResponse:
    """i'mport's notice: re-fetch the payment and act on the verdict."""
    try:
        verdict = verifier.verify_request(
            request.body,
            request.content_type,
            peer=request.META.get("REMOTE_ADDR"),
            headers=request.headers,
        )
    except InvalidWebhookError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except IamportError:
        return JsonResponse({"error": "try again"}, status=503)
    paid = verdict.outcome is WebhookOutcome.PAID
    if paid and verdict.payment and verdict.merchant_uid:
        orders.paid[verdict.merchant_uid] = verdict.payment.imp_uid
    return JsonResponse({"outcome": verdict.outcome.value})


urlpatterns = [
    path("checkout/verify", verify_checkout),
    path("orders/<str:merchant_uid>/refund", refund),
    path("iamport/webhook", iamport_webhook),
]
