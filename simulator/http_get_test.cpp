#include "simulator/http_get.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace wm::sim {
namespace {

TEST(HttpGetTest, UrlsNameHostPortAndBasePath) {
  EXPECT_EQ(*parse_http_url("http://127.0.0.1:8080"), (HttpUrl{"127.0.0.1", 8080, ""}));
  EXPECT_EQ(*parse_http_url("HTTP://localhost/"), (HttpUrl{"localhost", 80, ""}));
  EXPECT_EQ(*parse_http_url("http://gw:81/wm/"), (HttpUrl{"gw", 81, "/wm"}));
  EXPECT_EQ(*parse_http_url("http://[::1]:9000"), (HttpUrl{"::1", 9000, ""}));
  for (const char* bad : {"https://127.0.0.1:8080", "127.0.0.1:8080", "http://", "http://:80",
                          "http://host:", "http://host:0", "http://host:70000", "http://host:8x",
                          "http://host/?a=1", "http://[::1"}) {
    EXPECT_FALSE(parse_http_url(bad).ok()) << bad;
  }
}

TEST(HttpGetTest, ResponsesAreReadByLengthChunksOrClose) {
  auto plain = parse_http_response(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}junk");
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->headers.at("content-type"), "application/json");
  EXPECT_EQ(plain->body, "{}");

  auto chunked = parse_http_response(
      "HTTP/1.1 404 Not Found\r\ntransfer-encoding: Chunked\r\n\r\n"
      "4\r\n{\"a\"\r\nA;ext=1\r\n:123456789\r\n1\r\n}\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked.ok()) << chunked.error().to_string();
  EXPECT_EQ(chunked->status, 404);
  EXPECT_EQ(chunked->body, "{\"a\":123456789}");

  auto until_close = parse_http_response("HTTP/1.0 200 OK\r\n\r\nall of it");
  ASSERT_TRUE(until_close.ok());
  EXPECT_EQ(until_close->body, "all of it");
}

TEST(HttpGetTest, BrokenResponsesSayWhatIsWrong) {
  EXPECT_EQ(parse_http_response("").error().code, "truncated_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 2").error().code,
            "truncated_response");
  EXPECT_EQ(parse_http_response("SMTP 220 hello\r\n\r\n").error().code, "malformed_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 2x0 OK\r\n\r\n").error().code, "malformed_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nno colon\r\n\r\n").error().code,
            "malformed_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort").error().code,
            "truncated_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
                .error()
                .code,
            "truncated_response");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                .error()
                .code,
            "malformed_response");
}

TEST(HttpGetTest, QueryValuesArePercentEncoded) {
  EXPECT_EQ(query_escape("t-000042_a.b~"), "t-000042_a.b~");
  EXPECT_EQ(query_escape("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

// A one-shot HTTP server on a free loopback port: answers `response` to one request
// and keeps the request it got.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() {
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }
  // Valid once the client has its answer.
  const std::string& request() const { return request_; }

 private:
  void serve() {
    const int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    char buf[4096];
    while (request_.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    ::send(client, response_.data(), response_.size(), MSG_NOSIGNAL);
    ::close(client);
  }

  std::string response_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(HttpGetTest, GetsAnAnswerFromALoopbackServer) {
  OneShotServer server(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"n\":1}\r\n0\r\n\r\n");
  const HttpUrl url{"localhost", server.port(), "/base"};
  const auto answer = http_get(url, "/api/v1/tickets?limit=2", {{"Authorization", "Bearer tok"}});
  ASSERT_TRUE(answer.ok()) << answer.error().to_string();
  EXPECT_EQ(answer->status, 200);
  EXPECT_EQ(answer->body, "{\"n\":1}");
  EXPECT_EQ(server.request().rfind("GET /base/api/v1/tickets?limit=2 HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(server.request().find("\r\nAuthorization: Bearer tok\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("\r\nConnection: close\r\n"), std::string::npos);
}

TEST(HttpGetTest, NobodyListeningIsUnreachable) {
  // A port that was free a moment ago: bound, never listened on.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const auto answer = http_get(HttpUrl{"127.0.0.1", ntohs(addr.sin_port), ""}, "/healthz");
  ::close(fd);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, "unreachable");
}

}  // namespace
}  // namespace wm::sim
