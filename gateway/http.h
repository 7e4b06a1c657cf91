// The HTTP edge as plain values, independent of the transport: the API is a function
// from HttpRequest to HttpResponse, testable without a socket. Only http_server.cpp
// knows cpprestsdk.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wm::gateway {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // decoded, without the query string
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  const std::string* param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Serves `handler` on host:port (loopback in every shipped configuration).
class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual void start() = 0;
  virtual void stop() = 0;
};

// `listen` is "HOST:PORT". `threads` sizes cpprestsdk's shared pool (TOOLCHAIN trap 3).
std::unique_ptr<HttpServer> make_http_server(const std::string& listen, HttpHandler handler,
                                             int threads);

}  // namespace wm::gateway
