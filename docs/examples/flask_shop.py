"""A Flask app of the example shop: one blocking client for every thread."""

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from iamport_async.sync import Iamport, NotFoundError

app = Flask(__name__)
client = Iamport()  # IAMPORT_API_KEY, IAMPORT_API_SECRET
PRICES = {"order-1001": 15000}


@app.post("/checkout/verify")
def verify_checkout() -> ResponseReturnValue:
    imp_uid = request.get_json()["imp_uid"]
    try:
        payment = client.payments.get(imp_uid)
    except NotFoundError:
        return jsonify(ok=False, why="no such payment"), 404
    price = PRICES.get(payment.merchant_uid)
    if payment.status != "paid" or payment.amount != price:
        return jsonify(ok=False, why="not paid as ordered"), 409
    return jsonify(ok=True, imp_uid=payment.imp_uid)
