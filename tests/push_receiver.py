"""A push service of our own for the tests, on 127.0.0.1: it checks each message as a push
service must (VAPID, RFC 8292) and opens it as a browser does (RFC 8291 over RFC 8188's
aes128gcm), in our own code with `cryptography`, so the tests prove the wire format rather than
trusting the library that wrote it.
"""

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand

from journal.vapid import b64url, from_b64url

AUTH = re.compile(r"^vapid\s+(.+)$", re.IGNORECASE)
DAY = 24 * 3600


class Refused(Exception):
    """A request a real push service would refuse: (status, reason)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def _point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def new_browser_keys() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""
    return ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)


def sample_keys() -> dict:
    """Valid `keys` for a subscription body (the receiver need not open its messages)."""
    private, auth = new_browser_keys()
    return {"p256dh": b64url(_point(private.public_key())), "auth": b64url(auth)}


def check_vapid(header: str, audience: str, app_key: str, now: float | None = None) -> dict:
    """Check an `Authorization: vapid t=<JWT>, k=<key>` header; return the JWT's claims."""
    now = time.time() if now is None else now
    found = AUTH.match(header or "")
    if not found:
        raise Refused(401, "no vapid authorization")
    params = dict(part.strip().split("=", 1) for part in found.group(1).split(",") if "=" in part)
    token, key = params.get("t", ""), params.get("k", "")
    if key != app_key:
        raise Refused(403, "k is not the application server key")
    try:
        head, body, signature = token.split(".")
        header_json = json.loads(from_b64url(head))
        claims = json.loads(from_b64url(body))
        raw = from_b64url(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), from_b64url(key))
    except ValueError as error:
        raise Refused(401, "malformed token") from error
    if header_json.get("alg") != "ES256" or len(raw) != 64:
        raise Refused(401, "not ES256")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise Refused(401, "bad signature") from error
    if claims.get("aud") != audience:
        raise Refused(401, "wrong aud")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + DAY:
        raise Refused(401, "exp not in the next 24 hours")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise Refused(401, "no sub")
    return claims


def decrypt(body: bytes, ua_private: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """Open an aes128gcm Web Push message (RFC 8291 section 3.4, RFC 8188 section 2)."""
    if len(body) < 21:
        raise Refused(400, "no aes128gcm header")
    salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    as_public, ciphertext = body[21 : 21 + idlen], body[21 + idlen :]
    if idlen != 65 or rs < 18:
        raise Refused(400, "keyid is not the sender's P-256 key")
    try:
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    except ValueError as error:
        raise Refused(400, "keyid is not a P-256 point") from error
    ecdh_secret = ua_private.exchange(ec.ECDH(), sender)
    ua_public = _point(ua_private.public_key())
    key_info = b"WebPush: info\x00" + ua_public + as_public
    ikm = HKDF(hashes.SHA256(), 32, salt=auth_secret, info=key_info).derive(ecdh_secret)
    extract = hmac.HMAC(salt, hashes.SHA256())  # HKDF-Extract, with the message's salt
    extract.update(ikm)
    prk = extract.finalize()
    cek = HKDFExpand(hashes.SHA256(), 16, b"Content-Encoding: aes128gcm\x00").derive(prk)
    nonce = HKDFExpand(hashes.SHA256(), 12, b"Content-Encoding: nonce\x00").derive(prk)
    records = [ciphertext[i : i + rs] for i in range(0, len(ciphertext), rs)] or [b""]
    plain = b""
    for seq, record in enumerate(records):
        iv = (int.from_bytes(nonce, "big") ^ seq).to_bytes(12, "big")
        try:
            padded = AESGCM(cek).decrypt(iv, record, None)
        except InvalidTag as error:
            raise Refused(400, "cannot decrypt") from error
        padded = padded.rstrip(b"\x00")
        last = seq == len(records) - 1
        if not padded or padded[-1] != (2 if last else 1):
            raise Refused(400, "bad padding delimiter")
        plain += padded[:-1]
    return plain


@dataclass
class Browser:
    """One subscribed browser: its keys, and what it was sent."""

    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    answer: int = 201
    received: list = field(default_factory=list)

    def keys(self) -> dict:
        public = _point(self.private_key.public_key())
        return {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}


class PushReceiver:
    """A push service on a random local port; `browser()` makes a subscription to post."""

    def __init__(self, app_public_key: str):
        self.app_key = app_public_key
        self.browsers: dict[str, Browser] = {}
        self.refused: list[tuple[str, int, str]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def browser(self, answer: int = 201) -> Browser:
        private, auth = new_browser_keys()
        made = Browser(f"/push/{secrets.token_urlsafe(12)}", private, auth, answer)
        self.browsers[made.path] = made
        return made

    def endpoint(self, browser: Browser) -> str:
        return self.origin + browser.path

    def subscription(self, browser: Browser, kinds) -> dict:
        """The body a page posts to /api/v1/me/push-subscriptions for this browser."""
        return {"endpoint": self.endpoint(browser), "keys": browser.keys(), "kinds": list(kinds)}

    @property
    def messages(self) -> list[dict]:
        return [m for b in self.browsers.values() for m in b.received]

    def receive(self, path: str, headers, body: bytes) -> tuple[int, str]:
        """Check and open one POST, as a push service and then the browser would."""
        browser = self.browsers.get(path)
        if browser is None:
            return 404, "no such subscription"
        if browser.answer != 201:
            return browser.answer, "told to"
        try:
            check_vapid(headers.get("Authorization", ""), self.origin, self.app_key)
            if headers.get("Content-Encoding") != "aes128gcm":
                raise Refused(400, "not aes128gcm")
            if not (headers.get("TTL") or "").isdigit():
                raise Refused(400, "no TTL")
            payload = json.loads(decrypt(body, browser.private_key, browser.auth_secret))
        except Refused as refused:
            with self.lock:
                self.refused.append((path, refused.status, refused.reason))
            return refused.status, refused.reason
        with self.lock:
            browser.received.append(payload | {"ttl": int(headers["TTL"])})
        return 201, "created"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reason = receiver.receive(self.path, self.headers, body)
                self.send_response(status)
                if status == 201:
                    self.send_header(
                        "Location", f"{receiver.origin}/message/{secrets.token_hex(8)}"
                    )
                self.send_header("Content-Length", str(len(reason)))
                self.end_headers()
                self.wfile.write(reason.encode())

            def log_message(self, *args):
                pass  # quiet test output

        return Handler
