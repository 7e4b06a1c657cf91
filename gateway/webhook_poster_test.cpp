// The cpprestsdk webhook poster against a loopback HTTP server (the gateway's own,
// make_http_server): the body and headers arrive, any status is reported as it is, and a
// closed port or a receiver that does not answer is an Error.
#include "gateway/webhook_poster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <vector>

#include "gateway/http.h"

namespace wm::gateway {
namespace {

using namespace std::chrono_literals;

// A loopback port nobody listens on right now.
std::uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "no free loopback port";
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// The gateway's own HTTP server on loopback: records what it receives and answers with
// `status`.
class Receiver {
 public:
  explicit Receiver(int status) : status_(status), port_(free_port()) {
    server_ = make_http_server(
        "127.0.0.1:" + std::to_string(port_), [this](const HttpRequest& req) { return serve(req); },
        /*threads=*/4);
    server_->start();
  }
  ~Receiver() { server_->stop(); }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<HttpRequest> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  HttpResponse serve(const HttpRequest& req) {
    std::lock_guard lock(mu_);
    received_.push_back(req);
    HttpResponse res;
    res.status = status_;
    res.body = R"({"ok":false})";
    return res;
  }

  int status_;
  std::uint16_t port_;
  std::mutex mu_;
  std::vector<HttpRequest> received_;
  std::unique_ptr<HttpServer> server_;  // last: stopped and destroyed first
};

TEST(HttpWebhookPosterTest, PostsTheBodyAndReportsTheStatus) {
  Receiver ok(200);
  Receiver failing(500);
  auto poster = make_http_webhook_poster(5s);
  const std::string body = R"({"event":"opened","ticket_id":"T-1","message":"水"})";

  const Result<int> delivered = poster->post(ok.url("/hooks/wm?key=abc"), body);
  ASSERT_TRUE(delivered.ok()) << delivered.error().to_string();
  EXPECT_EQ(*delivered, 200);
  const auto got = ok.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/hooks/wm");
  EXPECT_EQ(*got[0].param("key"), "abc");
  EXPECT_EQ(got[0].body, body);
  ASSERT_NE(got[0].header("content-type"), nullptr);
  EXPECT_EQ(got[0].header("content-type")->rfind("application/json", 0), 0u);

  const Result<int> refused = poster->post(failing.url("/hook"), body);
  ASSERT_TRUE(refused.ok()) << refused.error().to_string();
  EXPECT_EQ(*refused, 500) << "a status is reported as it is; the Notifier judges it";
  EXPECT_EQ(failing.received().size(), 1u);
}

TEST(HttpWebhookPosterTest, ClosedPortIsUnreachable) {
  Receiver keeps_the_pool_sized(200);  // make_http_server sizes cpprest's pool first
  auto poster = make_http_webhook_poster(5s);
  const Result<int> result =
      poster->post("http://127.0.0.1:" + std::to_string(free_port()) + "/hook", "{}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "webhook_unreachable");
  EXPECT_FALSE(result.error().message.empty());
}

// A loopback socket that listens and never accepts: the kernel completes the connection,
// the request is sent, and no answer ever comes. (Not the cpprest server: closing its
// listener while a request is unanswered can crash it, TOOLCHAIN trap 5.)
class SilentListener {
 public:
  SilentListener() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(fd_, 4) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int fd_;
  std::uint16_t port_ = 0;
};

TEST(HttpWebhookPosterTest, ReceiverThatDoesNotAnswerTimesOut) {
  SilentListener silent;
  auto poster = make_http_webhook_poster(200ms);
  const auto before = std::chrono::steady_clock::now();
  const Result<int> result = poster->post(silent.url(), "{}");
  const auto took = std::chrono::steady_clock::now() - before;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "webhook_timeout") << result.error().to_string();
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
}

}  // namespace
}  // namespace wm::gateway
