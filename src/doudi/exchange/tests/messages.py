"""DCI request envelopes as a partner would send them."""

from __future__ import annotations

import uuid

TS = "2026-04-10T09:00:00+08:00"


def envelope(action: str, message: dict, count: int = 1) -> dict:
    return {
        "signature": "",
        "header": {
            "version": "1.0.0",
            "message_id": str(uuid.uuid4()),
            "message_ts": TS,
            "action": action,
            "sender_id": "partner",
            "receiver_id": "doudi",
            "total_count": count,
            "is_msg_encrypted": False,
        },
        "message": message,
    }


def search(*numbers: str) -> dict:
    items = [
        {
            "reference_id": f"ref-{index}",
            "timestamp": TS,
            "search_criteria": {
                "reg_type": "SOCIAL_ASSISTANCE",
                "query_type": "idtype-value",
                "query": {"type": "UIN", "value": number},
            },
        }
        for index, number in enumerate(numbers)
    ]
    return envelope("search", {"transaction_id": "t-1", "search_request": items}, len(items))


def subscribe() -> dict:
    item = {
        "reference_id": "sub-1",
        "timestamp": TS,
        "subscribe_criteria": {"reg_type": "CRVS", "reg_event_type": "DEATH_REGISTERED"},
    }
    return envelope("subscribe", {"transaction_id": "t-2", "subscribe_request": [item]})


def notify(number: str, death_date: str = "2026-04-05", reference: str = "death-1") -> dict:
    item = {
        "reference_id": reference,
        "timestamp": TS,
        "data": {
            "reg_type": "CRVS",
            "reg_event_type": "DEATH_REGISTERED",
            "reg_records": [
                {
                    "identifier": [{"identifier_type": "UIN", "identifier_value": number}],
                    "death_date": death_date,
                }
            ],
        },
    }
    return envelope("notify", {"transaction_id": "t-3", "notify_event": [item]})
