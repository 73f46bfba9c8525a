"""Schemathesis hooks for listwatch's API: the batch endpoint `POST /screen` takes and returns
JSON Lines (`application/x-ndjson`), which schemathesis does not serialize by itself. The body is
described as a string; it is sent as its UTF-8 bytes, and an answer is read as text."""

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return str(value).encode("utf-8")


@schemathesis.deserializer("application/x-ndjson")
def ndjson_text(ctx, response):
    return response.content.decode("utf-8", errors="replace")
