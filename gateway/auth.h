// Bearer tokens, roles and scope (API.md). Tokens are random, shown once, and stored
// only as their SHA-256 hash. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "devices/inventory.h"
#include "gateway/store.h"

namespace wm::gateway {

enum class Role : std::uint8_t { kAdmin, kOperator, kProperty, kAgent, kSelfService };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

struct Principal {
  Role role = Role::kAgent;
  std::string org;
};

// "wm_" followed by 40 hex characters from a cryptographic random source.
std::string new_token();
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);

// Checks that a role/org pair makes sense against the inventory: operator and property
// tokens need an org of that type. Error code "bad_request".
[[nodiscard]] Status validate_grant(Role role, const std::string& org,
                                    const devices::Inventory& inventory);

class Authenticator {
 public:
  explicit Authenticator(Store& store) : store_(store) {}
  // `authorization` is the header value; nullopt when missing, malformed or unknown.
  std::optional<Principal> authenticate(std::string_view authorization);

 private:
  Store& store_;
  std::mutex mu_;
  std::unordered_map<std::string, Principal> cache_;  // by token hash
};

// Whether `who` may see machines of `site`: admin and agent see every site, an operator
// token the sites its org operates, a property token the sites its org manages.
bool can_see_site(const Principal& who, const devices::Site& site);

}  // namespace wm::gateway
