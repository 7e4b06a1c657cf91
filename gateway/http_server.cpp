// The only translation unit that includes cpprestsdk (its headers cost ~10 s each).
// _TURN_OFF_PLATFORM_STRING is defined by CMake for this target (TOOLCHAIN trap 1).
#include <cpprest/http_listener.h>
#include <cpprest/uri.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "gateway/http.h"

namespace wm::gateway {
namespace {

namespace http = web::http;

HttpRequest to_request(const http::http_request& req) {
  HttpRequest out;
  out.method = req.method();
  const auto& uri = req.relative_uri();
  out.path = web::uri::decode(uri.path());
  for (const auto& [k, v] : web::uri::split_query(uri.query())) {
    out.query[web::uri::decode(k)] = web::uri::decode(v);
  }
  for (const auto& [k, v] : req.headers()) {
    std::string name = k;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = v;
  }
  return out;
}

class CppRestServer final : public HttpServer {
 public:
  CppRestServer(const std::string& listen, HttpHandler handler)
      : listener_(web::uri("http://" + listen)), handler_(std::move(handler)) {
    listener_.support([this](http::http_request req) { serve(std::move(req)); });
  }

  void start() override { listener_.open().wait(); }

  void stop() override {
    try {
      listener_.close().wait();
    } catch (const std::exception& e) {
      spdlog::warn("http listener close: {}", e.what());
    }
  }

 private:
  void serve(http::http_request req) {
    // The body is read asynchronously; the handler runs on a pool thread afterwards.
    req.extract_string(true)
        .then([this, req](pplx::task<std::string> body_task) {
          HttpResponse res;
          try {
            HttpRequest in = to_request(req);
            in.body = body_task.get();
            res = handler_(in);
          } catch (const std::exception& e) {
            spdlog::error("http handler failed: {}", e.what());
            res.status = 500;
            res.body =
                R"({"error":{"code":"internal","message":"internal error; see the gateway log"}})";
          }
          http::http_response out(static_cast<http::status_code>(res.status));
          for (const auto& [k, v] : res.headers) out.headers().add(k, v);
          out.set_body(std::move(res.body), res.content_type);
          return req.reply(out);
        })
        .then([](pplx::task<void> t) {
          try {
            t.get();  // observe every reply task (TOOLCHAIN trap 4)
          } catch (const std::exception& e) {
            spdlog::debug("http reply failed: {}", e.what());
          }
        });
  }

  http::experimental::listener::http_listener listener_;
  HttpHandler handler_;
};

}  // namespace

std::unique_ptr<HttpServer> make_http_server(const std::string& listen, HttpHandler handler,
                                             int threads) {
  static bool initialized = false;
  if (!initialized) {
    crossplat::threadpool::initialize_with_threads(static_cast<size_t>(std::max(threads, 1)));
    initialized = true;
  }
  return std::make_unique<CppRestServer>(listen, std::move(handler));
}

}  // namespace wm::gateway
