"""Response models: frozen attrs classes named and shaped like the API's definitions.

Every model class and enum is importable from here (``from iamport_async.models import
Payment``). Models keep fields the API adds in ``unknown_fields``, enum fields hold a plain
string for a value this version does not know, amounts are ``Decimal`` and timestamps aware
UTC datetimes (``None`` where the API sends 0).
"""

from iamport_async.models._types import Model, Money, Timestamp
from iamport_async.models.benepia import BenepiaPoint
from iamport_async.models.certification import Carrier, Certification, CertificationOtp, Gender
from iamport_async.models.customer import Customer, FailedChannel, SucceededChannel, SuperBillingKey
from iamport_async.models.escrow import EscrowLogis
from iamport_async.models.kcpquick import KcpQuickAutopayKey, KcpQuickFidoRelease, KcpQuickMember
from iamport_async.models.naverpay import (
    NaverAddress,
    NaverCancelReason,
    NaverCashAmount,
    NaverDeliveryCompany,
    NaverDeliveryMethod,
    NaverOrderActionResult,
    NaverOrderer,
    NaverProductOrder,
    NaverProductOrderStatus,
    NaverRequester,
    NaverReturnDeliveryMethod,
    NaverReturnReason,
    NaverReview,
    NaverReviewType,
    NaverWithholdReason,
)
from iamport_async.models.page import Page
from iamport_async.models.payco import PaycoOrderStatus, PaycoStatus
from iamport_async.models.payment import (
    Channel,
    CustomerUidUsage,
    Payment,
    PaymentCancel,
    PaymentStatus,
    Promotion,
    VbankDeposit,
)
from iamport_async.models.paymentwall import (
    PaymentwallDelivery,
    PaymentwallDeliveryStatus,
    PaymentwallProductType,
    PaymentwallRefundable,
)
from iamport_async.models.prepare import (
    PaymentBalance,
    PaymentBalanceDetail,
    PaymentBalanceHistory,
    PaymentPrepare,
)
from iamport_async.models.receipt import (
    CashReceipt,
    ExternalReceipt,
    PartnerReceiptResult,
    Receipt,
    ReceiptType,
)
from iamport_async.models.reference_data import PgSetting, PgSettingType, StandardCode, Tier
from iamport_async.models.schedule import Schedule, SchedulePaymentStatus, ScheduleStatus
from iamport_async.models.vbank import VbankHolder

__all__ = [
    "BenepiaPoint",
    "Carrier",
    "CashReceipt",
    "Certification",
    "CertificationOtp",
    "Channel",
    "Customer",
    "CustomerUidUsage",
    "EscrowLogis",
    "ExternalReceipt",
    "FailedChannel",
    "Gender",
    "KcpQuickAutopayKey",
    "KcpQuickFidoRelease",
    "KcpQuickMember",
    "Model",
    "Money",
    "NaverAddress",
    "NaverCancelReason",
    "NaverCashAmount",
    "NaverDeliveryCompany",
    "NaverDeliveryMethod",
    "NaverOrderActionResult",
    "NaverOrderer",
    "NaverProductOrder",
    "NaverProductOrderStatus",
    "NaverRequester",
    "NaverReturnDeliveryMethod",
    "NaverReturnReason",
    "NaverReview",
    "NaverReviewType",
    "NaverWithholdReason",
    "Page",
    "PartnerReceiptResult",
    "PaycoOrderStatus",
    "PaycoStatus",
    "Payment",
    "PaymentBalance",
    "PaymentBalanceDetail",
    "PaymentBalanceHistory",
    "PaymentCancel",
    "PaymentPrepare",
    "PaymentStatus",
    "PaymentwallDelivery",
    "PaymentwallDeliveryStatus",
    "PaymentwallProductType",
    "PaymentwallRefundable",
    "PgSetting",
    "PgSettingType",
    "Promotion",
    "Receipt",
    "ReceiptType",
    "Schedule",
    "SchedulePaymentStatus",
    "ScheduleStatus",
    "StandardCode",
    "SucceededChannel",
    "SuperBillingKey",
    "Tier",
    "Timestamp",
    "VbankDeposit",
    "VbankHolder",
]
