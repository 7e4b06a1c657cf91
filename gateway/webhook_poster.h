// The HTTP client edge of notifications: POSTs a JSON body to an org's webhook URL.
// Behind an interface so the Notifier is tested with a fake, and so that cpprestsdk stays
// in its own translation unit (webhook_poster.cpp; TOOLCHAIN trap 2).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "protocols/result.h"

namespace wm::gateway {

class WebhookPoster {
 public:
  virtual ~WebhookPoster() = default;
  // POSTs `json_body` (Content-Type: application/json) to `url` and waits for the answer.
  // Returns the HTTP status, whatever it is (the caller decides what counts as delivered),
  // or an Error when no status came back: "webhook_unreachable" (refused, reset, DNS,
  // TLS) or "webhook_timeout". Blocking; the Notifier calls it from its one thread.
  [[nodiscard]] virtual Result<int> post(const std::string& url, const std::string& json_body) = 0;
};

// cpprestsdk's http_client; `timeout` bounds one whole request. It runs on cpprestsdk's
// shared thread pool: when the process also serves HTTP, call make_http_server() first,
// because that sizes the pool and the pool can be sized only before its first use.
std::unique_ptr<WebhookPoster> make_http_webhook_poster(std::chrono::milliseconds timeout);

}  // namespace wm::gateway
