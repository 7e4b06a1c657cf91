// A small blocking HTTP/1.1 GET client for reading the gateway's REST API from wm-sim
// (`wm-sim score`): plain http:// only (no TLS), one request per connection
// (Connection: close), the host by name or address (loopback in practice). Enough for
// JSON answers of a few megabytes; not a general-purpose client.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "protocols/result.h"

namespace wm::sim {

// "http://127.0.0.1:8080" or "http://localhost:8080/prefix": host, port (80 when left
// out) and a base path that requests are made under (empty, or starting with '/' and
// without a trailing one).
struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;
  bool operator==(const HttpUrl&) const = default;
};

// Errors: "out_of_range" (not http://, a bad port, no host, a query or fragment).
[[nodiscard]] Result<HttpUrl> parse_http_url(std::string_view url);

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                            // de-chunked
};

// Parses a whole response as read up to the server closing the connection: status
// line, headers, then the body by Transfer-Encoding: chunked, Content-Length, or all
// that is left. Errors: "malformed_response", "truncated_response".
[[nodiscard]] Result<HttpAnswer> parse_http_response(std::string_view raw);

// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
std::string query_escape(std::string_view value);

// GET base_path + target (target starts with '/', may carry a query) with the given
// extra headers; waits at most `timeout` for each read or write. Errors: "unreachable"
// (name not resolved, connection refused), "timeout", "io_error", or the parse's.
[[nodiscard]] Result<HttpAnswer> http_get(
    const HttpUrl& url, const std::string& target,
    const std::map<std::string, std::string>& headers = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace wm::sim
