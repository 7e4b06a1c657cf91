// Reading API answers in the gateway's API tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/http.h"

namespace wm::gateway::testing {

inline nlohmann::json body(const HttpResponse& r) { return nlohmann::json::parse(r.body); }

// An error answer in API.md's shape, with this status and code and a message.
inline void expect_error(const HttpResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  const auto j = body(r);
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << r.body;
}

}  // namespace wm::gateway::testing
