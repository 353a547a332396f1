/** The Python runtime of generated SDKs (`_runtime.py`): stdlib only (urllib, json, base64). */
export const PY_RUNTIME_SOURCE = `import base64
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

ParamSpec = Tuple[str, str, str, bool]


class ApiError(Exception):
    """A non-2xx response; body is the parsed JSON (or text) of the documented error type."""

    def __init__(self, operation_id: str, status: int, body: Any, headers: Mapping[str, str]) -> None:
        super().__init__(f"{operation_id} failed with HTTP {status}")
        self.operation_id = operation_id
        self.status = status
        self.body = body
        self.headers = dict(headers)


def _origin(url: str) -> Tuple[str, str, int]:
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80))


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects within the request's origin only: urllib would send every header,
    credentials included, to any host a redirect names. Another origin's redirect is raised
    as the ApiError of its 3xx status."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Optional[urllib.request.Request]:
        if _origin(newurl) != _origin(req.full_url):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOriginRedirects)

IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
RETRY_ON = {408, 425, 429, 500, 502, 503, 504}


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _deep(key: str, value: Any, out: List[Tuple[str, str]]) -> None:
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


def _query_pairs(name: str, value: Any, style: str, explode: bool) -> List[Tuple[str, str]]:
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
            out.extend((k, _scalar(v)) for k, v in value.items())
        else:
            out.append((name, ",".join(f"{k},{_scalar(v)}" for k, v in value.items())))
    else:
        out.append((name, _scalar(value)))
    return out


class BaseClient:
    """Shared request machinery: auth per security scheme, retries with backoff, typed errors."""

    SECURITY_SCHEMES: Dict[str, Dict[str, str]] = {}
    DEFAULT_BASE_URL = "http://localhost"

    def __init__(
        self,
        base_url: Optional[str] = None,
        auth: Optional[Mapping[str, Any]] = None,
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
    ) -> Any:
        path_values = args.get("path") or {}

        url_path = path
        for where, name, style, explode in params:
            if where == "path":
                if name not in path_values:
                    raise TypeError(f"missing path parameter {name}")
                value = path_values[name]
                text = ",".join(_scalar(v) for v in value) if isinstance(value, list) else _scalar(value)
                url_path = url_path.replace("{" + name + "}", urllib.parse.quote(text, safe=","))
        query: List[Tuple[str, str]] = []
        headers: Dict[str, str] = dict(self.headers)
        for where, name, style, explode in params:
            if where == "query":
                query.extend(_query_pairs(name, (args.get("query") or {}).get(name), style, explode))
            elif where == "header" and (args.get("headers") or {}).get(name) is not None:
                headers[name] = _scalar((args.get("headers") or {})[name])
        self._apply_auth(security, query, headers)
        data: Optional[bytes] = None
        body = args.get("body")
        if body is not None:
            kind = content_type or "application/json"
            if "json" in kind:
                data = json.dumps(body).encode()
            elif kind == "application/x-www-form-urlencoded":
                pairs: List[Tuple[str, str]] = []
                for k, v in body.items():
                    _deep(k, v, pairs)
                data = urllib.parse.urlencode(pairs).encode()
            elif isinstance(body, bytes):
                data = body
            else:
                data = str(body).encode()
            headers["content-type"] = "application/json" if "*" in kind else kind
        url = self.base_url + url_path + ("?" + urllib.parse.urlencode(query) if query else "")
        can_retry = method in IDEMPOTENT or "idempotency-key" in {h.lower() for h in headers}
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:
                    return self._parse(response.read(), response.headers.get("content-type", ""))
            except urllib.error.HTTPError as error:
                payload = self._parse(error.read(), error.headers.get("content-type", ""))
                if can_retry and attempt < self.retries and error.code in RETRY_ON:
                    time.sleep(self._delay(attempt, error.headers.get("retry-after")))
                    attempt += 1
                    continue
                raise ApiError(operation_id, error.code, payload, error.headers) from None
            except urllib.error.URLError:
                if not can_retry or attempt >= self.retries:
                    raise
                time.sleep(self._delay(attempt, None))
                attempt += 1

    def _apply_auth(self, security: Sequence[Sequence[str]], query: List[Tuple[str, str]], headers: Dict[str, str]) -> None:
        for requirement in security:
            if not all(name in self.auth for name in requirement):
                continue
            for name in requirement:
                scheme = self.SECURITY_SCHEMES.get(name, {})
                credential = self.auth[name]
                if scheme.get("type") == "apiKey":
                    if scheme.get("in") == "query":
                        query.append((scheme.get("name", name), str(credential)))
                    else:
                        headers[scheme.get("name", name)] = str(credential)
                elif isinstance(credential, (tuple, list)):
                    token = base64.b64encode(f"{credential[0]}:{credential[1]}".encode()).decode()
                    headers["authorization"] = "Basic " + token
                else:
                    headers["authorization"] = "Bearer " + str(credential)
            return

    def _delay(self, attempt: int, retry_after: Optional[str]) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_delay_seconds)
            except ValueError:
                pass
        return random.random() * min(self.max_delay_seconds, self.backoff_seconds * (2 ** attempt))

    @staticmethod
    def _parse(raw: bytes, content_type: str) -> Any:
        if not raw:
            return None
        text = raw.decode("utf-8", errors="replace")
        if "json" in content_type:
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text
`;
