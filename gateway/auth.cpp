#include "gateway/auth.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace wm::gateway {
namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    case Role::kProperty:
      return "property";
    case Role::kAgent:
      return "agent";
    case Role::kSelfService:
      return "selfservice";
  }
  return "agent";
}

std::optional<Role> role_from_string(std::string_view name) {
  for (Role r :
       {Role::kAdmin, Role::kOperator, Role::kProperty, Role::kAgent, Role::kSelfService}) {
    if (to_string(r) == name) return r;
  }
  return std::nullopt;
}

std::string new_token() {
  std::array<unsigned char, 20> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no cryptographic randomness available for a token");
  }
  return "wm_" + to_hex(bytes.data(), bytes.size());
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return to_hex(md.data(), len);
}

Status validate_grant(Role role, const std::string& org, const devices::Inventory& inventory) {
  if (role != Role::kOperator && role != Role::kProperty) return Ok{};
  const auto* o = inventory.org(org);
  const auto want =
      role == Role::kOperator ? devices::OrgType::kOperator : devices::OrgType::kProperty;
  if (o == nullptr) {
    return make_error("bad_request", "org",
                      "org '" + org + "' is not in the inventory; a " +
                          std::string(to_string(role)) + " token needs an org of that type");
  }
  if (o->type != want) {
    return make_error("bad_request", "org",
                      "org '" + org + "' is of type " + std::string(devices::to_string(o->type)) +
                          ", a " + std::string(to_string(role)) + " token needs one of type " +
                          std::string(to_string(role)));
  }
  return Ok{};
}

std::optional<Principal> Authenticator::authenticate(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() ||
      authorization.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  auto token = authorization.substr(kPrefix.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > 256) return std::nullopt;
  const std::string hash = sha256_hex(token);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) return it->second;
  }
  auto record = store_.find_token(hash);
  if (!record) return std::nullopt;
  auto role = role_from_string(record->role);
  if (!role) return std::nullopt;
  Principal p{*role, record->org};
  std::lock_guard lock(mu_);
  cache_.emplace(hash, p);
  return p;
}

bool can_see_site(const Principal& who, const devices::Site& site) {
  switch (who.role) {
    case Role::kAdmin:
    case Role::kAgent:
      return true;
    case Role::kOperator:
      return site.operator_org == who.org;
    case Role::kProperty:
      return site.property_org == who.org;
    case Role::kSelfService:
      return false;
  }
  return false;
}

}  // namespace wm::gateway
