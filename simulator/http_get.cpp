#include "simulator/http_get.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace wm::sim {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

Error bad_url(std::string_view url, const std::string& why) {
  return make_error("out_of_range", "url",
                    "'" + std::string(url) + "': " + why + "; use e.g. http://127.0.0.1:8080");
}

// The body of a chunked response: hex size lines, each chunk followed by CRLF, a zero
// size at the end (trailers are ignored).
Result<std::string> dechunk(std::string_view body) {
  std::string out;
  for (;;) {
    const auto eol = body.find("\r\n");
    if (eol == std::string_view::npos) {
      return make_error("truncated_response", "body", "a chunk size line is cut short");
    }
    std::string_view size_text = body.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    std::size_t size = 0;
    const auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc() || end == size_text.data()) {
      return make_error("malformed_response", "body", "a chunk size is not hexadecimal");
    }
    body.remove_prefix(eol + 2);
    if (size == 0) return out;
    if (body.size() < size + 2) {
      return make_error("truncated_response", "body", "a chunk is cut short");
    }
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

// Closes the socket however the request ends.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

Error io_error(const std::string& what) {
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    return make_error("timeout", "", what + ": no answer in time; is the gateway busy?");
  }
  return make_error("io_error", "", what + ": " + std::strerror(errno));
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || lower(url.substr(0, kScheme.size())) != kScheme) {
    return bad_url(url, "only http:// URLs are supported (no TLS)");
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad_url(url, "a query or fragment has no place in the base URL");
  }
  const std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view path = rest.substr(authority.size());
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  HttpUrl out;
  out.base_path = std::string(path);
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!host.empty() && host.front() == '[') {  // [::1]:8080
    const auto close = host.find(']');
    if (close == std::string_view::npos) return bad_url(url, "an IPv6 address lacks its ']'");
    if (close + 1 < host.size()) {
      if (host[close + 1] != ':') return bad_url(url, "expected ':' after the IPv6 address");
      port = host.substr(close + 2);
      has_port = true;
    }
    host = host.substr(1, close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    has_port = true;
  }
  if (host.empty()) return bad_url(url, "no host");
  out.host = std::string(host);
  if (has_port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad_url(url, "the port must be a number from 1 to 65535");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

Result<HttpAnswer> parse_http_response(std::string_view raw) {
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    return make_error("truncated_response", "headers", "the response ends inside its headers");
  }
  std::string_view head = raw.substr(0, head_end);
  std::string_view body = raw.substr(head_end + 4);
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  HttpAnswer answer;
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12 || status_line[8] != ' ') {
    return make_error("malformed_response", "status", "not an HTTP status line");
  }
  const std::string_view code = status_line.substr(9, 3);
  const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), answer.status);
  if (ec != std::errc() || end != code.data() + code.size() || answer.status < 100) {
    return make_error("malformed_response", "status", "the status code is not a number");
  }
  head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!head.empty()) {
    const auto eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      return make_error("malformed_response", "headers", "a header line without ':'");
    }
    answer.headers[lower(trim(line.substr(0, colon)))] = std::string(trim(line.substr(colon + 1)));
  }
  const auto encoding = answer.headers.find("transfer-encoding");
  if (encoding != answer.headers.end() &&
      lower(encoding->second).find("chunked") != std::string::npos) {
    auto decoded = dechunk(body);
    if (!decoded.ok()) return decoded.error();
    answer.body = std::move(decoded).value();
    return answer;
  }
  const auto length = answer.headers.find("content-length");
  if (length != answer.headers.end()) {
    std::size_t size = 0;
    const std::string& text = length->second;
    const auto [end2, ec2] = std::from_chars(text.data(), text.data() + text.size(), size);
    if (ec2 != std::errc() || end2 != text.data() + text.size()) {
      return make_error("malformed_response", "content-length", "Content-Length is not a number");
    }
    if (body.size() < size) {
      return make_error("truncated_response", "body", "the body is shorter than Content-Length");
    }
    body = body.substr(0, size);
  }
  answer.body = std::string(body);
  return answer;
}

std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

Result<HttpAnswer> http_get(const HttpUrl& url, const std::string& target,
                            const std::map<std::string, std::string>& headers,
                            std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (const int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return make_error("unreachable", "url",
                      "cannot resolve " + url.host + ": " + ::gai_strerror(rc));
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return make_error("unreachable", "url",
                      "nothing answers on " + url.host + ":" + port + "; is the gateway running?");
  }
  Socket socket(fd);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string request = "GET " + url.base_path + target +
                        " HTTP/1.1\r\nHost: " + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
                        port + "\r\nAccept: application/json\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers)
    request.append(name).append(": ").append(value).append("\r\n");
  request += "\r\n";
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return io_error("sending the request to " + url.host);
    sent += static_cast<std::size_t>(n);
  }
  std::string raw;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("reading the answer of " + url.host);
    }
    raw.append(buffer, static_cast<std::size_t>(n));
  }
  return parse_http_response(raw);
}

}  // namespace wm::sim
