/**
 * The Python runtime of generated SDKs (`_runtime.py`): stdlib only (urllib, json, uuid). Typed
 * errors per status, same-origin redirects, retries, multipart bodies built by hand (issue 19).
 * Clean under `mypy --strict`.
 */
export const PY_RUNTIME_SOURCE = String.raw`import base64
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.client import HTTPMessage
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

ParamSpec = Tuple[str, str, str, bool]

FileContent = Union[bytes, Tuple[str, bytes], Tuple[str, bytes, str]]
"""A file for a binary field: its bytes, or (filename, bytes), or (filename, bytes, content type)."""


class ApiError(Exception):
    """A non-2xx response. body is the parsed JSON (or text) the server answered."""

    def __init__(self, operation_id: str, status: int, body: object, headers: Mapping[str, str]) -> None:
        super().__init__(f"{operation_id} failed with HTTP {status}")
        self.operation_id = operation_id
        self.status = status
        self.body = body
        self.headers = dict(headers)


class BadRequestError(ApiError):
    """HTTP 400."""


class AuthenticationError(ApiError):
    """HTTP 401."""


class PermissionDeniedError(ApiError):
    """HTTP 403."""


class NotFoundError(ApiError):
    """HTTP 404."""


class ConflictError(ApiError):
    """HTTP 409."""


class UnprocessableEntityError(ApiError):
    """HTTP 422."""


class RateLimitError(ApiError):
    """HTTP 429."""


class InternalServerError(ApiError):
    """HTTP 5xx."""


class ApiConnectionError(Exception):
    """No response: the connection failed or timed out (after the retries allowed)."""


_ERRORS: Dict[int, Type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class(status: int) -> Type[ApiError]:
    """The ApiError subclass raised for a status."""
    if status >= 500:
        return InternalServerError
    return _ERRORS.get(status, ApiError)


def _origin(url: str) -> Tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80))


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects within the request's origin only: urllib would send every header,
    credentials included, to any host a redirect names. Another origin's redirect is raised
    as the ApiError of its 3xx status."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> Optional[urllib.request.Request]:
        if _origin(newurl) != _origin(req.full_url):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)

IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
RETRY_ON = {408, 425, 429, 500, 502, 503, 504}


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _deep(key: str, value: object, out: List[Tuple[str, str]]) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _deep(f"{key}[{index}]", item, out)
            else:
                out.append((f"{key}[]", _scalar(item)))
    elif isinstance(value, dict):
        for k, v in value.items():
            _deep(f"{key}[{k}]", v, out)
    elif value is not None:
        out.append((key, _scalar(value)))


def _query_pairs(name: str, value: object, style: str, explode: bool) -> List[Tuple[str, str]]:
    out: List[Tuple[str, str]] = []
    if value is None:
        return out
    if style == "deepObject":
        _deep(name, value, out)
    elif isinstance(value, list):
        if style == "form" and explode:
            out.extend((name, _scalar(item)) for item in value)
        else:
            sep = " " if style == "spaceDelimited" else "|" if style == "pipeDelimited" else ","
            out.append((name, sep.join(_scalar(item) for item in value)))
    elif isinstance(value, dict):
        if explode:
            out.extend((str(k), _scalar(v)) for k, v in value.items())
        else:
            out.append((name, ",".join(f"{k},{_scalar(v)}" for k, v in value.items())))
    else:
        out.append((name, _scalar(value)))
    return out


def _quote_field(text: str) -> str:
    # The HTML form encoding of a name or filename in Content-Disposition.
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _is_file(value: object) -> bool:
    return isinstance(value, (bytes, bytearray)) or (
        isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[1], (bytes, bytearray))
    )


def encode_multipart(fields: Mapping[str, object]) -> Tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) and its content type: files as file parts, objects as
    JSON parts, lists as repeated parts, everything else as text."""
    boundary = uuid.uuid4().hex
    chunks: List[bytes] = []
    for name, value in fields.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is None:
                continue
            disposition = f'form-data; name="{_quote_field(name)}"'
            if _is_file(item):
                if isinstance(item, tuple):
                    filename, content = str(item[0]), bytes(item[1])
                    media = str(item[2]) if len(item) == 3 else "application/octet-stream"
                else:
                    filename, content, media = name, bytes(item), "application/octet-stream"
                disposition += f'; filename="{_quote_field(filename)}"'
            elif isinstance(item, (dict, list)):
                content, media = json.dumps(item).encode(), "application/json"
            else:
                content, media = _scalar(item).encode(), "text/plain; charset=utf-8"
            head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {media}\r\n\r\n"
            chunks.extend((head.encode(), content, b"\r\n"))
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def next_cursor(page: object) -> Optional[str]:
    """The id of a page's last item while has_more (Stripe-style cursor pagination), else None."""
    if not isinstance(page, dict) or page.get("has_more") is not True:
        return None
    items = page.get("data")
    if not isinstance(items, list) or not items or not isinstance(items[-1], dict):
        return None
    last = items[-1].get("id")
    return last if isinstance(last, str) else None


def has_items(page: object) -> bool:
    """Whether a page-numbered list page holds items (an empty page ends the iteration)."""
    return isinstance(page, list) and len(page) > 0


class BaseClient:
    """Shared request machinery: auth per security scheme, retries with backoff, typed errors."""

    SECURITY_SCHEMES: Dict[str, Dict[str, str]] = {}
    DEFAULT_BASE_URL = "http://localhost"

    def __init__(
        self,
        base_url: Optional[str] = None,
        auth: Optional[Mapping[str, Union[str, Tuple[str, str]]]] = None,
        headers: Optional[Mapping[str, str]] = None,
        retries: int = 2,
        backoff_seconds: float = 0.25,
        max_delay_seconds: float = 10.0,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = (base_url or self.DEFAULT_BASE_URL).rstrip("/")
        self.auth = dict(auth or {})
        self.headers = dict(headers or {})
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.max_delay_seconds = max_delay_seconds
        self.timeout = timeout

    def _request(
        self,
        operation_id: str,
        method: str,
        path: str,
        params: Sequence[ParamSpec],
        args: Mapping[str, Any],
        content_type: Optional[str],
        security: Sequence[Sequence[str]],
    ) -> object:
        path_values: Mapping[str, object] = args.get("path") or {}
        query_values: Mapping[str, object] = args.get("query") or {}
        header_values: Mapping[str, object] = args.get("headers") or {}
        cookie_values: Mapping[str, object] = args.get("cookies") or {}
        url_path = path
        query: List[Tuple[str, str]] = []
        headers: Dict[str, str] = dict(self.headers)
        cookies: List[str] = []
        for where, name, style, explode in params:
            if where == "path":
                if path_values.get(name) is None:
                    raise TypeError(f"missing path parameter {name}")
                value = path_values[name]
                text = ",".join(_scalar(v) for v in value) if isinstance(value, list) else _scalar(value)
                url_path = url_path.replace("{" + name + "}", urllib.parse.quote(text, safe=","))
            elif where == "query":
                query.extend(_query_pairs(name, query_values.get(name), style, explode))
            elif where == "header" and header_values.get(name) is not None:
                headers[name] = _scalar(header_values[name])
            elif where == "cookie" and cookie_values.get(name) is not None:
                cookies.append(f"{name}={urllib.parse.quote(_scalar(cookie_values[name]))}")
        if cookies:
            headers["cookie"] = "; ".join(cookies)
        self._apply_auth(security, query, headers)
        data: Optional[bytes] = None
        body = args.get("body")
        if body is not None:
            kind = (content_type or "application/json").split(";")[0].strip().lower()
            if "json" in kind or "*" in kind:
                data, headers["content-type"] = json.dumps(body).encode(), "application/json"
            elif kind == "application/x-www-form-urlencoded" and isinstance(body, Mapping):
                pairs: List[Tuple[str, str]] = []
                for k, v in body.items():
                    _deep(str(k), v, pairs)
                data, headers["content-type"] = urllib.parse.urlencode(pairs).encode(), kind
            elif kind.startswith("multipart/") and isinstance(body, Mapping):
                data, headers["content-type"] = encode_multipart(body)
            elif _is_file(body):
                data = bytes(body[1]) if isinstance(body, tuple) else bytes(body)
                headers["content-type"] = kind
            else:
                data, headers["content-type"] = _scalar(body).encode(), kind
        url = self.base_url + url_path + ("?" + urllib.parse.urlencode(query) if query else "")
        can_retry = method in IDEMPOTENT or "idempotency-key" in {h.lower() for h in headers}
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:
                    raw: bytes = response.read()
                    return self._parse(raw, response.headers.get("content-type", ""))
            except urllib.error.HTTPError as error:
                payload = self._parse(error.read(), error.headers.get("content-type", ""))
                if can_retry and attempt < self.retries and error.code in RETRY_ON:
                    time.sleep(self._delay(attempt, error.headers.get("retry-after")))
                    attempt += 1
                    continue
                raise error_class(error.code)(operation_id, error.code, payload, dict(error.headers.items())) from None
            except (urllib.error.URLError, TimeoutError) as error:
                if not can_retry or attempt >= self.retries:
                    raise ApiConnectionError(f"{operation_id}: {error}") from error
                time.sleep(self._delay(attempt, None))
                attempt += 1

    def _apply_auth(self, security: Sequence[Sequence[str]], query: List[Tuple[str, str]], headers: Dict[str, str]) -> None:
        # The first requirement whose schemes all have a credential; all of them are sent (AND).
        for requirement in security:
            if not all(name in self.auth for name in requirement):
                continue
            for name in requirement:
                scheme = self.SECURITY_SCHEMES.get(name, {})
                credential = self.auth[name]
                if scheme.get("type") == "apiKey":
                    where = scheme.get("in")
                    if where == "query":
                        query.append((scheme.get("name", name), str(credential)))
                    elif where == "cookie":
                        cookie = f"{scheme.get('name', name)}={credential}"
                        headers["cookie"] = f"{headers['cookie']}; {cookie}" if "cookie" in headers else cookie
                    else:
                        headers[scheme.get("name", name)] = str(credential)
                elif isinstance(credential, tuple):
                    token = base64.b64encode(f"{credential[0]}:{credential[1]}".encode()).decode()
                    headers["authorization"] = "Basic " + token
                else:
                    headers["authorization"] = "Bearer " + credential
            return

    def _delay(self, attempt: int, retry_after: Optional[str]) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_delay_seconds)
            except ValueError:
                pass
        return random.random() * min(self.max_delay_seconds, self.backoff_seconds * (2.0**attempt))

    @staticmethod
    def _parse(raw: bytes, content_type: str) -> object:
        if not raw:
            return None
        kind = content_type.split(";")[0].strip().lower()
        if "json" in kind:
            try:
                parsed: object = json.loads(raw)
                return parsed
            except ValueError:
                return raw.decode("utf-8", errors="replace")
        if kind.startswith("text/") or kind in ("", "application/xml", "application/x-www-form-urlencoded"):
            return raw.decode("utf-8", errors="replace")
        return raw

`;
