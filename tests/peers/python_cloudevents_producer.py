"""Writes structured CloudEvents to Kafka the way a Python service does: the CloudEvents SDK's
Kafka binding (cloudevents.kafka.to_structured) and the confluent-kafka producer.

    python_cloudevents_producer.py BROKERS TOPIC TRACEPARENT_JSON TRACEPARENT_BYTES TRACEPARENT_TEXT

Prints one JSON line per record sent: its name, key, value and headers (hex), as written.
"""
import json
import sys

from cloudevents.http import CloudEvent
from cloudevents.kafka import to_structured
from confluent_kafka import Producer

brokers, topic, tp_json, tp_bytes, tp_text = sys.argv[1:6]

events = {
    # No datacontenttype: the SDK writes no content-type header.
    "json data": CloudEvent({"type": "com.example.order", "source": "/py/orders", "subject": "o-1", "traceparent": tp_json, "tracestate": "py=1"}, {"orderId": 1, "price": 1.50}),
    # Binary data: data_base64, and the datacontenttype as the Kafka content-type header.
    "binary data": CloudEvent({"type": "com.example.blob", "source": "/py/blobs", "datacontenttype": "application/octet-stream", "traceparent": tp_bytes}, b"\x00\x01\xfe\xff"),
    # Text data: a JSON string, and text/plain as the Kafka content-type header.
    "text data": CloudEvent({"type": "com.example.note", "source": "/py/notes", "datacontenttype": "text/plain", "traceparent": tp_text}, "h\u00e9llo"),
}

producer = Producer({"bootstrap.servers": brokers})
for name, event in events.items():
    message = to_structured(event)
    key = name.encode()
    headers = list(message.headers.items())
    producer.produce(topic, value=message.value, key=key, headers=headers)
    print(json.dumps({"name": name, "id": event["id"], "key": key.hex(), "value": message.value.hex(), "headers": {k: v.hex() for k, v in headers}}), flush=True)
if producer.flush(30) != 0:
    sys.exit("records not delivered")
