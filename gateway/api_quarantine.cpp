// GET /api/v1/quarantine: what the intake could not take, newest first.
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "gateway/api.h"
#include "gateway/time_format.h"

namespace wm::gateway {
namespace {

using nlohmann::json;

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Text payloads are shown as they are; bytes that are not valid UTF-8 only as base64.
json payload_text(const std::string& bytes) {
  try {
    json probe = bytes;
    (void)probe.dump();
    return bytes;
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::optional<HttpResponse> read_time(const HttpRequest& req, const std::string& name,
                                      std::optional<std::int64_t>& out) {
  const auto* text = req.param(name);
  if (text == nullptr) return std::nullopt;
  out = parse_time(*text);
  if (!out) {
    return error_response(400, "bad_request",
                          name +
                              " must be an RFC 3339 time (2026-11-23T08:00:00Z) or Unix "
                              "milliseconds, got '" +
                              *text + "'");
  }
  return std::nullopt;
}

}  // namespace

HttpResponse Api::list_quarantine(const HttpRequest& req, const Principal& who) {
  if (who.role != Role::kAdmin && who.role != Role::kOperator) {
    return error_response(403, "forbidden", "the quarantine is for admin and operator tokens");
  }
  QuarantineQuery q;
  if (auto bad = read_limit(req, q.limit)) return *bad;
  if (const auto* r = req.param("reason")) q.reason = *r;
  if (const auto* d = req.param("device")) q.device_id = *d;
  if (auto bad = read_time(req, "since", q.since_ms)) return *bad;
  if (auto bad = read_time(req, "until", q.until_ms)) return *bad;
  if (const auto* c = req.param("cursor")) {
    try {
      size_t used = 0;
      q.before_id = std::stoll(*c, &used);
      if (used != c->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return error_response(400, "bad_request", "cursor must be a value returned as 'next'");
    }
  }
  // One more than asked tells whether there is a next page.
  const int limit = q.limit;
  q.limit = limit + 1;
  auto records = store_.list_quarantine(q);
  json items = json::array();
  std::optional<std::int64_t> next;
  for (size_t i = 0; i < records.size() && static_cast<int>(i) < limit; ++i) {
    const auto& r = records[i];
    json item = {
        {"id", r.id},
        {"received_at", format_rfc3339(r.received_ms)},
        {"topic", r.topic},
        {"reason", r.reason},
        {"detail", r.detail},
        {"payload", payload_text(r.payload)},
        {"payload_base64", base64(r.payload)},
        {"payload_size", r.payload_size},
        {"payload_truncated", r.payload_size > static_cast<std::int64_t>(r.payload.size())}};
    item["device_id"] = r.device_id.empty() ? json(nullptr) : json(r.device_id);
    items.push_back(std::move(item));
    if (static_cast<int>(i) == limit - 1 && static_cast<int>(records.size()) > limit) next = r.id;
  }
  json out = {{"items", std::move(items)}};
  out["next"] = next ? json(std::to_string(*next)) : json(nullptr);
  return json_response(200, out.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace wm::gateway
