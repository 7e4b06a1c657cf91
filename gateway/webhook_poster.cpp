// cpprestsdk's http_client behind WebhookPoster: the second and last translation unit that
// includes cpprestsdk (with http_server.cpp). _TURN_OFF_PLATFORM_STRING is defined by
// CMake for this target (TOOLCHAIN trap 1).
#include "gateway/webhook_poster.h"

#include <cpprest/http_client.h>

#include <system_error>

namespace wm::gateway {
namespace {

namespace http = web::http;

class CppRestWebhookPoster final : public WebhookPoster {
 public:
  explicit CppRestWebhookPoster(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  Result<int> post(const std::string& url, const std::string& json_body) override {
    try {
      http::client::http_client_config config;
      config.set_timeout(timeout_);
      // One client per request: webhooks are few and slow-moving, and a client bound to
      // a URL that the inventory has since changed is never reused by mistake.
      http::client::http_client client(web::uri(url), config);
      http::http_request request(http::methods::POST);
      request.headers().add("User-Agent", "wm-gateway");
      request.set_body(json_body, "application/json");
      // get() observes the task, so a failure never goes unobserved (TOOLCHAIN trap 4).
      http::http_response response = client.request(request).get();
      const int status = response.status_code();
      try {
        // Let the body arrive before the client goes away; its content is not ours to
        // judge, and once a status came back a broken body does not change the verdict.
        response.content_ready().get();
      } catch (const std::exception&) {
      }
      return status;
    } catch (const http::http_exception& e) {
      if (e.error_code() == std::errc::timed_out) {
        return make_error("webhook_timeout", url,
                          "no answer within " + std::to_string(timeout_.count()) + " ms");
      }
      return make_error("webhook_unreachable", url, e.what());
    } catch (const web::uri_exception& e) {
      return make_error("webhook_unreachable", url, std::string("not a usable URL: ") + e.what());
    } catch (const std::exception& e) {
      return make_error("webhook_unreachable", url, e.what());
    }
  }

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::unique_ptr<WebhookPoster> make_http_webhook_poster(std::chrono::milliseconds timeout) {
  return std::make_unique<CppRestWebhookPoster>(timeout);
}

}  // namespace wm::gateway
