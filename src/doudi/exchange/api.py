"""The DCI registry interface under /api/dci/v1/registry: search, subscribe, unsubscribe and
notify, each a signed-envelope message ``{signature, header, message}`` as in the DCI
social-protection API standards v1.0.0, answered synchronously with the ``on-…`` message (or,
for notify, the DCI acknowledgement). Explicit input and output serializers per endpoint; a
refusal has the project's one error shape naming the field (api/errors.py).

Left out of the OpenAPI document of /api/v1 (``exclude=True``): it is another standard's
interface, with its own envelope and its own partner credential, documented in docs/api.md;
schemathesis, which logs in as staff, could not call it."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from stdnum.cn import ric

from doudi.api.fields import DateField
from doudi.cases.api import StrictBooleanField, StrictCharField, StrictIntegerField
from doudi.cases.procedures import CaseProgramme
from doudi.errors import DoudiError
from doudi.exchange import services
from doudi.exchange.auth import IsPartner, PartnerAuthentication
from doudi.exchange.models import EventType, PartnerSystem
from doudi.identity.numbers import parse_id_number

VERSION = "1.0.0"
SENDER_ID = "doudi"
ID_TYPE = "UIN"  # the resident ID number (居民身份证号码)
MAX_ITEMS = 100


# ---------------------------------------------------------------- input


class IdNumberField(StrictCharField):
    """A resident ID number, normalised; an old 15-digit number is read as its 18-digit form
    (GB 11643-1999: the century inserted, the check character computed)."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data).strip()
        if len(text) == 15 and text.isascii() and text.isdigit():
            first17 = text[:6] + "19" + text[6:]
            text = first17 + ric.calc_check_digit(first17 + "0")
        try:
            return parse_id_number(text).value
        except DoudiError as error:
            raise serializers.ValidationError(error.render(), code="invalid") from None


class HeaderInput(serializers.Serializer):
    version = StrictCharField()
    message_id = StrictCharField(max_length=100)
    message_ts = serializers.DateTimeField()
    action = StrictCharField()
    sender_id = StrictCharField(max_length=100)
    sender_uri = StrictCharField(required=False, allow_blank=True)
    receiver_id = StrictCharField(required=False, allow_blank=True)
    total_count = StrictIntegerField(min_value=0, max_value=MAX_ITEMS)
    is_msg_encrypted = StrictBooleanField(required=False)

    def __init__(self, *, action: str, **kwargs: Any) -> None:
        self.expected_action = action
        super().__init__(**kwargs)

    def validate_action(self, value: str) -> str:
        if value != self.expected_action:
            raise serializers.ValidationError(
                _("This endpoint takes the action “%(action)s”.") % {"action": self.expected_action}
            )
        return value

    def validate_is_msg_encrypted(self, value: bool) -> bool:
        if value:  # the interface runs over TLS inside the government network
            raise serializers.ValidationError(_("Send the message unencrypted (false)."))
        return value


class QueryInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=[ID_TYPE])
    value = IdNumberField()


class SearchCriteriaInput(serializers.Serializer):
    version = StrictCharField(required=False)
    reg_type = StrictCharField(required=False)
    query_type = serializers.ChoiceField(choices=["idtype-value"])
    query = QueryInput()


class SearchItemInput(serializers.Serializer):
    reference_id = StrictCharField(max_length=100)
    timestamp = serializers.DateTimeField()
    search_criteria = SearchCriteriaInput()
    locale = StrictCharField(required=False)


class SearchMessageInput(serializers.Serializer):
    transaction_id = StrictCharField(max_length=100)
    search_request = SearchItemInput(many=True, allow_empty=False, max_length=MAX_ITEMS)


class SubscribeCriteriaInput(serializers.Serializer):
    version = StrictCharField(required=False)
    reg_type = StrictCharField(required=False)
    reg_event_type = serializers.ChoiceField(choices=EventType.values)


class SubscribeItemInput(serializers.Serializer):
    reference_id = StrictCharField(max_length=100)
    timestamp = serializers.DateTimeField()
    subscribe_criteria = SubscribeCriteriaInput()


class SubscribeMessageInput(serializers.Serializer):
    transaction_id = StrictCharField(max_length=100)
    subscribe_request = SubscribeItemInput(many=True, allow_empty=False, max_length=MAX_ITEMS)


class UnsubscribeMessageInput(serializers.Serializer):
    transaction_id = StrictCharField(max_length=100)
    timestamp = serializers.DateTimeField()
    subscription_codes = serializers.ListField(
        child=StrictCharField(max_length=36), allow_empty=False, max_length=MAX_ITEMS
    )


class IdentifierInput(serializers.Serializer):
    identifier_type = serializers.ChoiceField(choices=[ID_TYPE])
    identifier_value = IdNumberField()


class DeathRecordInput(serializers.Serializer):
    identifier = IdentifierInput(many=True, allow_empty=False, max_length=1)
    death_date = DateField(days_ahead=0)


class NotifyDataInput(serializers.Serializer):
    version = StrictCharField(required=False)
    reg_type = StrictCharField(required=False)
    reg_event_type = serializers.ChoiceField(choices=EventType.values)
    reg_records = DeathRecordInput(many=True, allow_empty=False, max_length=1)


class NotifyItemInput(serializers.Serializer):
    reference_id = StrictCharField(max_length=100)
    timestamp = serializers.DateTimeField()
    data = NotifyDataInput()


class NotifyMessageInput(serializers.Serializer):
    transaction_id = StrictCharField(max_length=100)
    notify_event = NotifyItemInput(many=True, allow_empty=False, max_length=MAX_ITEMS)


class EnvelopeInput(serializers.Serializer):
    """The signed envelope; the signature is carried but not checked (TLS inside the government
    network authenticates the channel, the bearer token the partner)."""

    signature = StrictCharField(required=False, allow_blank=True)


class SearchInput(EnvelopeInput):
    header = HeaderInput(action="search")
    message = SearchMessageInput()


class SubscribeInput(EnvelopeInput):
    header = HeaderInput(action="subscribe")
    message = SubscribeMessageInput()


class UnsubscribeInput(EnvelopeInput):
    header = HeaderInput(action="unsubscribe")
    message = UnsubscribeMessageInput()


class NotifyInput(EnvelopeInput):
    header = HeaderInput(action="notify")
    message = NotifyMessageInput()


# ---------------------------------------------------------------- output


class HeaderOutput(serializers.Serializer):
    version = serializers.CharField()
    message_id = serializers.CharField()
    message_ts = serializers.DateTimeField()
    action = serializers.CharField()
    status = serializers.CharField()
    total_count = serializers.IntegerField()
    completed_count = serializers.IntegerField()
    sender_id = serializers.CharField()
    receiver_id = serializers.CharField()
    is_msg_encrypted = serializers.BooleanField()


class ProgrammeOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RecordOutput(serializers.Serializer):
    receives_assistance = serializers.BooleanField(required=False)
    programmes = ProgrammeOutput(many=True, required=False)


class SearchDataOutput(serializers.Serializer):
    version = serializers.CharField()
    reg_type = serializers.CharField()
    reg_record_type = serializers.CharField()
    reg_records = RecordOutput(many=True)


class SearchItemOutput(serializers.Serializer):
    reference_id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    status = serializers.CharField()
    data = SearchDataOutput()


class SearchMessageOutput(serializers.Serializer):
    transaction_id = serializers.CharField()
    correlation_id = serializers.CharField()
    search_response = SearchItemOutput(many=True)


class SubscriptionOutput(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField()
    timestamp = serializers.DateTimeField()


class SubscribeItemOutput(serializers.Serializer):
    reference_id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    status = serializers.CharField()
    subscriptions = SubscriptionOutput(many=True)


class SubscribeMessageOutput(serializers.Serializer):
    transaction_id = serializers.CharField()
    correlation_id = serializers.CharField()
    subscribe_response = SubscribeItemOutput(many=True)


class UnsubscribeMessageOutput(serializers.Serializer):
    transaction_id = serializers.CharField()
    correlation_id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    status = serializers.CharField()
    subscription_codes = serializers.ListField(child=serializers.CharField())


class AckOutput(serializers.Serializer):
    ack_status = serializers.CharField()
    timestamp = serializers.DateTimeField()
    correlation_id = serializers.CharField()
    stored = serializers.ListField(child=serializers.CharField())


def answered(
    action: str, partner: PartnerSystem, count: int, message: serializers.Serializer
) -> Response:
    header = HeaderOutput(
        {
            "version": VERSION,
            "message_id": str(uuid.uuid4()),
            "message_ts": timezone.now(),
            "action": action,
            "status": "succ",
            "total_count": count,
            "completed_count": count,
            "sender_id": SENDER_ID,
            "receiver_id": partner.name,
            "is_msg_encrypted": False,
        }
    )
    return Response({"header": header.data, "message": message.data})


# ---------------------------------------------------------------- views


class PartnerView(APIView):
    authentication_classes = [PartnerAuthentication]
    permission_classes = [IsPartner]

    def read(self, request: Request, envelope: type[EnvelopeInput]) -> dict:
        body = envelope(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


@extend_schema(exclude=True)
class SearchView(PartnerView):
    def post(self, request: Request) -> Response:
        body = self.read(request, SearchInput)
        message = body["message"]
        items = message["search_request"]
        answers = services.search(
            request.user,
            transaction_id=message["transaction_id"],
            questions=[
                services.Question(item["reference_id"], item["search_criteria"]["query"]["value"])
                for item in items
            ],
        )
        now = timezone.now()
        output = SearchMessageOutput(
            {
                "transaction_id": message["transaction_id"],
                "correlation_id": str(uuid.uuid4()),
                "search_response": [_search_item(answer, now) for answer in answers],
            }
        )
        return answered("on-search", request.user, len(answers), output)


def _search_item(answer: services.Answer, now: datetime.datetime) -> dict:
    found: dict[str, object] = {}
    if answer.receives_assistance is not None:
        found["receives_assistance"] = answer.receives_assistance
    if answer.programmes is not None:
        found["programmes"] = [
            {"code": code, "name": str(CaseProgramme(code).label)} for code in answer.programmes
        ]
    return {
        "reference_id": answer.reference_id,
        "timestamp": now,
        "status": "succ",
        "data": {
            "version": VERSION,
            "reg_type": "SOCIAL_ASSISTANCE",
            "reg_record_type": "PERSON",
            "reg_records": [found] if found else [],
        },
    }


@extend_schema(exclude=True)
class SubscribeView(PartnerView):
    def post(self, request: Request) -> Response:
        message = self.read(request, SubscribeInput)["message"]
        items = []
        for item in message["subscribe_request"]:
            event_type = item["subscribe_criteria"]["reg_event_type"]
            subscription = services.subscribe(request.user, event_type=event_type)
            items.append(
                {
                    "reference_id": item["reference_id"],
                    "timestamp": subscription.created_at,
                    "status": "succ",
                    "subscriptions": [
                        {
                            "code": subscription.code,
                            "status": "subscribe",
                            "timestamp": subscription.created_at,
                        }
                    ],
                }
            )
        output = SubscribeMessageOutput(
            {
                "transaction_id": message["transaction_id"],
                "correlation_id": str(uuid.uuid4()),
                "subscribe_response": items,
            }
        )
        return answered("on-subscribe", request.user, len(items), output)


@extend_schema(exclude=True)
class UnsubscribeView(PartnerView):
    def post(self, request: Request) -> Response:
        message = self.read(request, UnsubscribeInput)["message"]
        ended = services.unsubscribe(request.user, codes=message["subscription_codes"])
        output = UnsubscribeMessageOutput(
            {
                "transaction_id": message["transaction_id"],
                "correlation_id": str(uuid.uuid4()),
                "timestamp": timezone.now(),
                "status": "succ",
                "subscription_codes": ended,
            }
        )
        return answered("on-unsubscribe", request.user, len(ended), output)


@extend_schema(exclude=True)
class NotifyView(PartnerView):
    def post(self, request: Request) -> Response:
        body = self.read(request, NotifyInput)
        deaths = []
        for item in body["message"]["notify_event"]:
            death = item["data"]["reg_records"][0]
            deaths.append(
                services.Death(
                    item["reference_id"],
                    death["identifier"][0]["identifier_value"],
                    death["death_date"],
                )
            )
        stored = services.notify_deaths(
            request.user, message_id=body["header"]["message_id"], deaths=deaths
        )
        ack = AckOutput(
            {
                "ack_status": "ACK",
                "timestamp": timezone.now(),
                "correlation_id": body["message"]["transaction_id"],
                "stored": stored,
            }
        )
        return Response({"message": ack.data})


urlpatterns = [
    path("registry/search", SearchView.as_view(), name="dci-search"),
    path("registry/subscribe", SubscribeView.as_view(), name="dci-subscribe"),
    path("registry/unsubscribe", UnsubscribeView.as_view(), name="dci-unsubscribe"),
    path("registry/notify", NotifyView.as_view(), name="dci-notify"),
]
